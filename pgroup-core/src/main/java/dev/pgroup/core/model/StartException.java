package dev.pgroup.core.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A group did not become ready: a process exited, crash-looped, or failed its ready check before
 * the deadline. The group has been stopped; its files are kept for debugging.
 */
public final class StartException extends PGroupException {
    private static final long serialVersionUID = 1L;

    private final String groupId;
    private final String process;
    private final transient Path logFile;
    private final List<String> logTail;

    public StartException(
            String groupId, String process, String reason, Path logFile, List<String> logTail, Throwable cause) {
        super(format(groupId, process, reason, logFile, logTail), cause);
        this.groupId = groupId;
        this.process = process;
        this.logFile = logFile;
        this.logTail = List.copyOf(logTail);
    }

    private static String format(String groupId, String process, String reason, Path logFile, List<String> tail) {
        StringBuilder s = new StringBuilder("group ")
                .append(groupId)
                .append(": process \"")
                .append(process)
                .append("\" ")
                .append(reason);
        if (logFile != null) {
            if (tail.isEmpty()) {
                s.append("\n  (its log ").append(logFile).append(" is empty)");
            } else {
                s.append("\n  last ")
                        .append(tail.size())
                        .append(" line(s) of ")
                        .append(logFile)
                        .append(':');
                tail.forEach(line -> s.append("\n  | ").append(line));
            }
        }
        return s.toString();
    }

    public String groupId() {
        return groupId;
    }

    /** The process that failed. */
    public String process() {
        return process;
    }

    /** The process's log file. */
    public Path logFile() {
        return logFile;
    }

    /** The last lines of the process's log, oldest first. */
    public List<String> logTail() {
        return logTail;
    }
}

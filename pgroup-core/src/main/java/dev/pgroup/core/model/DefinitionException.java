package dev.pgroup.core.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A group definition ({@code group.toml} or one of its templates) is wrong. The message reads
 * {@code <file>:<line>: [process "<name>"] <key>: <problem>}, and the parts are available one by
 * one.
 */
public final class DefinitionException extends PGroupException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String key;
    private final String process;
    private final String problem;

    /**
     * @param file the file that is wrong
     * @param line its 1-based line, or 0 when the problem is not on one line
     * @param process the process the problem belongs to, or null
     * @param key the TOML key (or template placeholder) that is wrong, or null
     * @param problem what is wrong, and what would be right
     */
    public DefinitionException(Path file, int line, String process, String key, String problem) {
        super(format(file, line, process, key, problem));
        this.file = file;
        this.line = line;
        this.key = key;
        this.process = process;
        this.problem = problem;
    }

    private static String format(Path file, int line, String process, String key, String problem) {
        StringBuilder s = new StringBuilder().append(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (process != null) {
            s.append("process \"").append(process).append("\": ");
        }
        if (key != null) {
            s.append(key).append(": ");
        }
        return s.append(problem).toString();
    }

    /** The file that is wrong. */
    public Path file() {
        return file;
    }

    /** The 1-based line in {@link #file()}, or 0 when not known. */
    public int line() {
        return line;
    }

    /** The TOML key or placeholder that is wrong. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The process the problem belongs to. */
    public Optional<String> process() {
        return Optional.ofNullable(process);
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}

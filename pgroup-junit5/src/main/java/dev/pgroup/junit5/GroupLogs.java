package dev.pgroup.junit5;

import dev.pgroup.core.Group;
import java.util.List;

/**
 * Added to a failed test's exception as suppressed: the tail of each process's log of one group,
 * and where its files are, so the test report shows why without a trip to the group dir.
 */
final class GroupLogs extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GroupLogs(StartedGroup g, boolean kept) {
        super(describe(g, kept), null, false, false);
    }

    private static String describe(StartedGroup g, boolean kept) {
        Group group = g.group();
        StringBuilder b = new StringBuilder("group " + group.id() + " of " + g.declaration());
        if (kept) {
            b.append(": files kept in ")
                    .append(group.directory())
                    .append(" (processes stopped after the test; `pgroup terminate ")
                    .append(group.id())
                    .append("` or a prune removes them)");
        } else {
            b.append(": terminated after the test; set pgroup.keep=failed to keep its files");
        }
        for (String process : group.processes()) {
            b.append("\n--- ").append(process).append(": ").append(group.logFile(process));
            List<String> tail;
            try {
                tail = group.logTail(process, Group.LOG_TAIL_LINES);
            } catch (RuntimeException e) {
                b.append("\n(cannot read the log: ").append(e.getMessage()).append(')');
                continue;
            }
            if (tail.isEmpty()) {
                b.append("\n(empty)");
            }
            tail.forEach(line -> b.append('\n').append(line));
        }
        return b.toString();
    }
}

package dev.pgroup.maven;

import java.nio.file.Path;
import java.util.List;

/** How the goals say things: the longer messages and the small formats they share. */
final class Messages {
    private Messages() {}

    /** A stop/start/terminate goal found no group: which create it needs, and what the build did create. */
    static String noGroupCreatedEarlier(String goal, Path definitionDir, String name, List<ManagedGroup> created) {
        StringBuilder s = new StringBuilder("pgroup: ")
                .append(goal)
                .append(" found no group created earlier in this build for <group>")
                .append(definitionDir)
                .append("</group>");
        if (name != null) {
            s.append(" <name>").append(name).append("</name>");
        }
        s.append(": run the create goal first, in an <execution> with the same <group> and <name>");
        if (!created.isEmpty()) {
            s.append(". This build created:");
            created.forEach(g -> s.append(" '")
                    .append(g.group().name())
                    .append("' from ")
                    .append(g.definitionDir())
                    .append(" (execution ")
                    .append(g.executionId())
                    .append(");"));
        }
        return s.toString();
    }

    /** "1 process", "3 processes". */
    static String processCount(int n) {
        return n == 1 ? "1 process" : n + " processes";
    }

    /** "42 ms" since a {@link System#nanoTime()} reading. */
    static String millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000 + " ms";
    }
}

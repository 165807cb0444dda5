package dev.pgroup.cli;

import dev.pgroup.core.model.ProcessState;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** How values look on a terminal. */
final class Formats {
    private Formats() {}

    /** The state words of runit's {@code sv status}, plus {@code never} for a process runit has not seen and {@code done} for a finished one-shot step. */
    static String state(ProcessState state) {
        return switch (state) {
            case RUN -> "run";
            case DOWN -> "down";
            case FAIL -> "fail";
            case DONE -> "done";
            case HAS_NEVER_RUN -> "never";
            case UNKNOWN -> "unknown";
        };
    }

    /** {@code 850ms}, {@code 42s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + pad(s % 60) + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + pad(s / 60 % 60) + "m";
        }
        return s / 86400 + "d" + pad(s / 3600 % 24) + "h";
    }

    private static String pad(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }

    /** {@code main=20001,admin=20002}, or {@code -} when there is none. */
    static String ports(Map<String, Integer> ports) {
        if (ports.isEmpty()) {
            return "-";
        }
        StringJoiner j = new StringJoiner(",");
        ports.forEach((name, port) -> j.add(name + "=" + port));
        return j.toString();
    }

    /** Every port of a group as {@code process.port=number}, or {@code -}. */
    static String groupPorts(Map<String, Map<String, Integer>> ports) {
        StringJoiner j = new StringJoiner(",");
        ports.forEach((process, byName) -> byName.forEach((name, port) -> j.add(process + "." + name + "=" + port)));
        return j.length() == 0 ? "-" : j.toString();
    }

    /** Left-aligned columns, two spaces apart; the last column is not padded. */
    static String columns(java.util.List<String[]> rows) {
        int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[width];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                s.append(r[i]);
                if (i < r.length - 1) {
                    s.append(" ".repeat(widths[i] - r[i].length() + 2));
                }
            }
            s.append(System.lineSeparator());
        }
        return s.toString();
    }
}

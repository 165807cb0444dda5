package dev.pgroup.core.internal.definition;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rule for group, process and port names, and "did you mean" for misspelt keys. */
public final class Names {
    /** Names become directory names, manifest keys and placeholders, so they stay this simple. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    public static final String RULE = "must match [a-z][a-z0-9_-]* (at most 40 characters)";

    private Names() {}

    /** Group ids are names plus {@code -host-random}: the same alphabet, a little longer. */
    private static final Pattern GROUP_ID = Pattern.compile("[a-z][a-z0-9_-]{0,79}");

    public static boolean isValidGroupId(String id) {
        return id != null && GROUP_ID.matcher(id).matches();
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The name a group gets from its definition directory when {@code group.toml} gives none: the
     * directory's name made to fit the rule ({@code My.Service} becomes {@code my-service}), or
     * {@code group} when nothing of it fits.
     */
    public static String fromDirectory(java.nio.file.Path dir) {
        java.nio.file.Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String name = (fileName == null ? "" : fileName.toString())
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-")
                .replaceAll("^[^a-z]+", "");
        if (name.length() > 40) {
            name = name.substring(0, 40);
        }
        return isValid(name) ? name : "group";
    }

    /** The candidate closest to {@code wrong}, if it is close enough to be a likely typo. */
    public static Optional<String> nearest(String wrong, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(c -> distance(wrong, c)))
                .filter(c -> distance(wrong, c) <= Math.max(2, c.length() / 3));
    }

    /** The "; did you mean 'x'?" suffix for an error message, or an empty string. */
    public static String didYouMean(String wrong, Collection<String> candidates) {
        return nearest(wrong, candidates)
                .map(c -> "; did you mean '" + c + "'?")
                .orElse("");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

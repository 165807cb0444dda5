package dev.pgroup.core.internal.os;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for the generated {@code /bin/sh} scripts: every value is data, never code. */
public final class Shell {
    private Shell() {}

    /**
     * Single-quotes a word: inside single quotes the shell expands nothing, so {@code $(touch x)}
     * stays literal. A single quote itself is written as {@code '\''}.
     */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String quoteAll(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}

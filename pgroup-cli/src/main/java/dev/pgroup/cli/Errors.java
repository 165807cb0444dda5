package dev.pgroup.cli;

import dev.pgroup.core.model.PGroupException;
import java.io.UncheckedIOException;

/** Turns a failure into the one message a person reads; the engine's messages already say what and where. */
final class Errors {
    private Errors() {}

    static String message(Throwable e) {
        if (e instanceof PGroupException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UncheckedIOException) {
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.toString() : m;
        }
        return e.toString();
    }
}

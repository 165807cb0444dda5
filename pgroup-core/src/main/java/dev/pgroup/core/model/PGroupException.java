package dev.pgroup.core.model;

/**
 * Something pgroup could not do. Subclasses carry the bad value (file, line, key, process) so
 * that front ends can print it without parsing the message.
 */
public class PGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PGroupException(String message) {
        super(message);
    }

    public PGroupException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.pgroup.core.model;

/** What runit says about one process of a group. */
public enum ProcessState {
    /** The process runs. */
    RUN,
    /** The process does not run, and is not meant to: the group is stopped, or it waits for {@code after}. */
    DOWN,
    /**
     * The process should run but does not: it exited and runit is restarting it (a crash loop), or
     * its supervisor is gone while the group runs.
     */
    FAIL,
    /**
     * A one-shot step ({@code ready = { exit = N }}, e.g. a seed or a migration) finished with the
     * expected status: it is done, not failed.
     */
    DONE,
    /** runit has never supervised the process: the group was created but never started. */
    HAS_NEVER_RUN,
    /** runit's status files could not be read or made no sense. */
    UNKNOWN
}

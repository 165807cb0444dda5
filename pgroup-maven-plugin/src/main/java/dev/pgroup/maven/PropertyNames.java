package dev.pgroup.maven;

/** Every property the plugin reads or exports, in one place. */
final class PropertyNames {
    /** Skips every pgroup goal. */
    static final String SKIP = "pgroup.skip";

    /** failsafe's switch for integration tests; pgroup honours it too. */
    static final String SKIP_ITS = "skipITs";

    /** Skips running every test (they are still compiled); failsafe honours it, so pgroup does too. */
    static final String SKIP_TESTS = "skipTests";

    /** Skips the goals in projects packaged as {@code pom} (parents and aggregators). */
    static final String SKIP_POM = "pgroup.skipPom";

    /** Skips compiling and running every test; pgroup honours it too.*/
    static final String MAVEN_TEST_SKIP = "maven.test.skip";

    /** The group's name, instead of the one in group.toml. */
    static final String NAME = "pgroup.name";

    /** The group definition directory. */
    static final String GROUP = "pgroup.group";

    /** How long {@code start} waits for the group to be ready. */
    static final String START_TIMEOUT = "pgroup.startTimeout";

    /** Which process logs {@code start} streams into the build output. */
    static final String SHOW_LOGS = "pgroup.showLogs";

    /** What prune cleans: every group of the user, or this project's. */
    static final String PRUNE_SCOPE = "pgroup.prune.scope";

    /** Where group directories are created. */
    static final String BASE_DIR = "pgroup.baseDir";

    /** The per-user database of port leases and groups. */
    static final String DATABASE = "pgroup.database";

    /** How many log lines per process the post-integration-test goals print after failed tests. */
    static final String LOG_LINES = "pgroup.logLines";

    /** Exported: the manifest of the group started last, read by {@code dev.pgroup.PGroup.current()}. */
    static final String MANIFEST = "pgroup.manifest";

    private PropertyNames() {}

    /** Exported: the manifest of the group with this name, read by {@code PGroup.named(name)}. */
    static String manifestOf(String group) {
        return MANIFEST + "." + group;
    }

    /** Exported: {@code pgroup.<group>.<key>}, e.g. {@code pgroup.cache.manifest}. */
    static String groupProperty(String group, String key) {
        return "pgroup." + group + "." + key;
    }

    /** Exported: {@code pgroup.<group>.<process>.<port>}, the leased port. */
    static String port(String group, String process, String port) {
        return "pgroup." + group + "." + process + "." + port;
    }
}

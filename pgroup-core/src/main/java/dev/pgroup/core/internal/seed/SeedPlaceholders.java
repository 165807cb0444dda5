package dev.pgroup.core.internal.seed;

import java.util.Map;

/** The placeholders only a seed's command has, and why every other string lacks them. */
public final class SeedPlaceholders {
    static final String DIR = "seed.dir";
    static final String PORT = "seed.port";

    public static final Map<String, String> ONLY_IN_A_SEED = Map.of(
            DIR,
            "it exists only in a seed's command (seed = { command = [...] }): a seed runs once per machine and"
                    + " writes there; a group's processes get a copy of those files in {{process.dir}}",
            PORT,
            "it exists only in a seed's command (seed = { command = [...] }), leased while the seed runs");

    private SeedPlaceholders() {}
}

package dev.pgroup.core.internal;

import dev.pgroup.core.internal.os.TrustedDirectory;
import java.nio.file.Path;
import java.util.Map;

/** Where an engine keeps its groups and its database when the caller does not say. */
public final class EngineDefaults {
    private EngineDefaults() {}

    /**
     * {@code $PGROUP_BASE_DIR}; else {@code $XDG_RUNTIME_DIR/pgroup} when that dir is this user's
     * alone; else {@code <java.io.tmpdir>/pgroup-<user>}. {@code $XDG_RUNTIME_DIR} is made for this
     * (per user, mode 700, emptied at logout) and, unlike a name in the shared temp dir, cannot be
     * taken by another user first.
     */
    public static Path baseDir(Map<String, String> env) {
        String dir = env.get("PGROUP_BASE_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            Path runtimeDir = Path.of(runtime);
            if (runtimeDir.isAbsolute() && TrustedDirectory.problem(runtimeDir).isEmpty()) {
                return runtimeDir.resolve("pgroup");
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "pgroup-" + System.getProperty("user.name"));
    }

    /** {@code $PGROUP_DATABASE}, else {@code ~/.pgroup/pgroup.db}. */
    public static Path database(Map<String, String> env) {
        String file = env.get("PGROUP_DATABASE");
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        return Path.of(System.getProperty("user.home"), ".pgroup", "pgroup.db");
    }

    /**
     * {@code $PGROUP_PORT_RANGE} ({@code first-last}), else from 20000 up to just below the
     * kernel's ephemeral range. Databases of one user never lease the same port ({@link
     * dev.pgroup.core.internal.state.PortClaims}), and neither do users of one machine while its
     * claims dir is usable ({@link dev.pgroup.core.internal.state.MachineClaims}).
     *
     * @throws dev.pgroup.core.model.PGroupException when the variable is not a range within 1024-65535
     */
    public static int[] portRange(Map<String, String> env) {
        String range = env.get("PGROUP_PORT_RANGE");
        if (range == null || range.isBlank()) {
            return dev.pgroup.core.internal.state.PortLeases.defaultRange();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d{1,5})\\s*-\\s*(\\d{1,5})\\s*")
                .matcher(range);
        if (m.matches()) {
            int first = Integer.parseInt(m.group(1));
            int last = Integer.parseInt(m.group(2));
            if (first >= 1024 && last <= 65535 && first <= last) {
                return new int[] {first, last};
            }
        }
        throw new dev.pgroup.core.model.PGroupException(
                "PGROUP_PORT_RANGE='" + range + "' must be a range of ports within 1024-65535, e.g. 20000-24999");
    }
}

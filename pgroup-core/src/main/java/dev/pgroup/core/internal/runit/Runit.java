package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.ExecutableCache;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The runit programs pgroup drives, found on PATH once, with an install hint when they are not.
 * perl is checked here too: the owner watchdog and the socket launcher are perl scripts, and a
 * missing perl must fail as clearly as a missing runit, not as a watchdog that did not start.
 */
public record Runit(Path runsvdir, Path sv, Path svlogd) {

    /** Finds runit on the PATH of {@code environment}. */
    public static Runit locate(Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        Path runsvdir = ExecutableCache.find("runsvdir", path).orElse(null);
        Path sv = ExecutableCache.find("sv", path).orElse(null);
        Path svlogd = ExecutableCache.find("svlogd", path).orElse(null);
        ExecutableCache.find("runsv", path).orElseThrow(() -> notInstalled("runsv", path));
        if (runsvdir == null) {
            throw notInstalled("runsvdir", path);
        }
        if (sv == null) {
            throw notInstalled("sv", path);
        }
        if (svlogd == null) {
            throw notInstalled("svlogd", path);
        }
        if (ExecutableCache.find("perl", path).isEmpty()) {
            throw new PGroupException("perl is not installed: 'perl' is not on PATH (" + path + "). pgroup's owner"
                    + " watchdog and socket launcher are perl scripts (perl's core only, no modules to add);"
                    + " install it with 'sudo apt-get install perl' (Debian, Ubuntu) or 'sudo dnf install perl'"
                    + " (Fedora); macOS ships it");
        }
        return new Runit(runsvdir, sv, svlogd);
    }

    private static PGroupException notInstalled(String program, String path) {
        return new PGroupException("runit is not installed: '" + program + "' is not on PATH (" + path + ")."
                + " pgroup supervises processes with runit; install it with"
                + " 'sudo apt-get install runit' (Debian, Ubuntu), 'sudo dnf install runit' (Fedora),"
                + " or 'brew install runit' (macOS), or run ./setup.sh from the pgroup checkout");
    }
}

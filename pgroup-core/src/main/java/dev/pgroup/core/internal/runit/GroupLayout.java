package dev.pgroup.core.internal.runit;

import dev.pgroup.PGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where things are inside a group directory. runsvdir treats every subdirectory whose name does not
 * start with a dot as a service, so pgroup's own files and the logs live in dot-directories. The
 * name of pgroup's own, {@link PGroup#STATE_DIR}, is pgroup-runtime's: tests look there too.
 *
 * <pre>
 * &lt;group dir&gt;/&lt;process&gt;/run, log/run, check, ...   runit service dir + rendered templates
 * &lt;group dir&gt;/.logs/&lt;process&gt;/current              svlogd output
 * &lt;group dir&gt;/.pgroup/manifest.properties          for tests (pgroup-runtime)
 * &lt;group dir&gt;/.pgroup/runtime.properties           ready checks, after, stop timeouts
 * &lt;group dir&gt;/.pgroup/runsvdir.pid                 pid and start time of the group's runsvdir
 * &lt;group dir&gt;/.pgroup/watchdog.pid                 pid, start time and subreaper flag of its watchdog
 * &lt;group dir&gt;/.pgroup/start.lock                   held (FileChannel.lock) while a start runs
 * &lt;group dir&gt;/.pgroup/detached                     present for a group that outlives its creator
 * &lt;group dir&gt;/.pgroup/database                   the path of the database that registered the group
 * &lt;group dir&gt;/.pgroup/sockets                      the passed sockets the watchdog binds at start
 * &lt;group dir&gt;/.pgroup/listen.pl                    moves passed sockets above fd 9 (large groups only)
 * &lt;group dir&gt;/.pgroup/ready-check.pl               tcp, http and log checks of the check scripts
 * </pre>
 */
public record GroupLayout(Path directory) {
    public static final String LOGS_DIR = ".logs";

    public Path stateDir() {
        return directory.resolve(PGroup.STATE_DIR);
    }

    public Path manifest() {
        return stateDir().resolve(dev.pgroup.Manifest.FILE_NAME);
    }

    public Path runtimeSettings() {
        return stateDir().resolve("runtime.properties");
    }

    public Path runsvdirPidFile() {
        return stateDir().resolve("runsvdir.pid");
    }

    /** Pid, start time and subreaper flag (1 or 0) of the watchdog that runs runsvdir. */
    public Path watchdogPidFile() {
        return stateDir().resolve("watchdog.pid");
    }

    /** Locked by the JVM starting the group, so that one start runs at a time, across JVMs. */
    public Path startLock() {
        return stateDir().resolve("start.lock");
    }

    /**
     * The absolute path of the database that registered the group. Prune with another database
     * leaves a stopped group alone while that database exists: its own prune decides (a kept
     * group's logs are not another database's to delete).
     */
    public Path databaseRecord() {
        return stateDir().resolve("database");
    }

    /**
     * The database that registered the group, when it is not {@code ours} and still exists. A
     * group dir made before groups recorded their database, or one whose database is gone, has
     * none: nothing else will ever clean it.
     */
    public Optional<Path> otherLiveDatabase(Path ours) {
        Path record = databaseRecord();
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            Path recorded = Path.of(Files.readString(record).strip()).normalize();
            if (!recorded.isAbsolute()
                    || recorded.equals(ours.toAbsolutePath().normalize())
                    || !Files.exists(recorded)) {
                return Optional.empty();
            }
            return Optional.of(recorded);
        } catch (IOException | InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Present for a detached group, so that opening a group needs no database. */
    public Path detachedMarker() {
        return stateDir().resolve("detached");
    }

    public Path runsvdirLog() {
        return stateDir().resolve("runsvdir.log");
    }

    /** The group's passed sockets, which its watchdog binds at every start ({@link PassedSockets}). */
    public Path passedSockets() {
        return stateDir().resolve("sockets");
    }

    /** Moves passed sockets above fd 9 into place; shared by the group's processes that need it. */
    public Path listenLauncher() {
        return stateDir().resolve("listen.pl");
    }

    /** The tcp, http and log ready checks the processes' {@code check} scripts run. */
    public Path readyCheckScript() {
        return stateDir().resolve(ReadyCheckScript.RESOURCE);
    }

    public Path serviceDir(String process) {
        return directory.resolve(process);
    }

    public Path logDir(String process) {
        return directory.resolve(LOGS_DIR).resolve(process);
    }

    public Path logFile(String process) {
        return logDir(process).resolve("current");
    }
}

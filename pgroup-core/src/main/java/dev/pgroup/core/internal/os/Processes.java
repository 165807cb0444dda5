package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Process liveness that does not count zombies as alive, and the identity check done before any
 * signal: a pid read from a file is never trusted alone (see DESIGN.md, "Trust boundaries").
 */
public final class Processes {
    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));
    private static final Optional<String> USER = ProcessHandle.current().info().user();
    /** This JVM's uid, as the owner of {@code /proc/self}: read once, it cannot change. */
    private static final Optional<Object> SELF_UID = selfUid();

    private Processes() {}

    /**
     * True while {@code h} runs. A process whose parent died is reparented to PID 1, which in a
     * container may never reap it; {@link ProcessHandle#isAlive()} counts such a zombie as alive, so
     * on Linux the state in {@code /proc/PID/stat} is read as well.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        return !PROC || !isZombie(h.pid());
    }

    /**
     * True while a process with this pid runs (not a zombie), whatever its start time: on Linux one
     * read of {@code /proc/PID/stat}, where {@link #find} with a start of 0 makes two.
     */
    public static boolean isRunning(long pid) {
        if (ProcStat.AVAILABLE) {
            return ProcStat.read(pid).filter(s -> !s.isZombie()).isPresent();
        }
        return find(pid, 0).isPresent();
    }

    static boolean isZombie(long pid) {
        if (ProcStat.AVAILABLE) {
            return ProcStat.read(pid).map(ProcStat::isZombie).orElse(true); // gone: not running either
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone between isAlive and the read
        }
    }

    /** The process with this pid if it runs and started at {@code startMillis} (0: any start). */
    public static Optional<ProcessHandle> find(long pid, long startMillis) {
        if (pid <= 0) {
            return Optional.empty();
        }
        if (ProcStat.AVAILABLE) {
            return findLinux(pid, startMillis).map(Found::handle);
        }
        return ProcessHandle.of(pid)
                .filter(Processes::isRunning)
                .filter(h -> startMillis == 0
                        || h.info()
                                .startInstant()
                                .map(i -> Math.abs(i.toEpochMilli() - startMillis) < 2000)
                                .orElse(true));
    }

    /** A process found on Linux, with the one stat read its checks used. */
    private record Found(ProcessHandle handle, ProcStat stat) {}

    /**
     * Two reads of {@code /proc/PID/stat} (the handle's, then the state, parent and start time at
     * once) instead of the five of {@code isAlive}, the zombie check and {@code info()}. The handle
     * comes first: should the pid be reused in between, the handle is of the earlier process, now
     * gone, and every signal sent through it is refused by the JDK's own start-time check.
     */
    private static Optional<Found> findLinux(long pid, long startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return ProcStat.read(pid)
                .filter(s -> !s.isZombie())
                .filter(s -> startMillis == 0 || Math.abs(s.startMillis() - startMillis) < 2000)
                .map(s -> new Found(h.get(), s));
    }

    /**
     * The process with this pid if it is one pgroup started for the group in {@code groupDir}: it
     * runs, started at {@code startMillis} (0: unknown), belongs to this user, and names the group
     * dir in its command line or works inside it. A pid file someone else planted, or a pid reused
     * by an unrelated process, fails one of these and is never signalled.
     */
    public static Optional<ProcessHandle> findInGroup(long pid, long startMillis, Path groupDir) {
        return find(pid, startMillis)
                .filter(Processes::isOwnedByThisUser)
                .filter(h -> belongsTo(h, groupDir.toAbsolutePath().normalize()));
    }

    /**
     * A process runit supervises for the group in {@code groupDir}, from a pid runit recorded
     * ({@code supervise/pid} or {@code supervise/status}): it runs, started at {@code startMillis},
     * belongs to this user, and either names the group dir in its command line or working dir (as
     * {@link #findInGroup} requires), or is a child of one of the group's runsv processes. The
     * second case is for a service whose {@code workdir} lies outside the group dir: neither its
     * argv nor its cwd need name the group. A parent check is one read of {@code /proc/PID/stat},
     * not a walk of the process table.
     *
     * @param roots pids of the group's watchdog and runsvdir, already verified with {@link
     *     #findInGroup}: a runsv whose own cwd cannot be read (macOS) is the group's when its
     *     parent is one of them
     */
    public static Optional<WatchedProcess> findSupervised(long pid, long startMillis, Path groupDir, Set<Long> roots) {
        Path dir = groupDir.toAbsolutePath().normalize();
        if (ProcStat.AVAILABLE) {
            // One stat read: state, start time (runit's record: this pid is that process) and
            // parent. The checks after it go by pid; the stat is kept for the watch, so a stop looks
            // at the process with one read each time from here on, and a handle is made only for a
            // signal, and only while the process is still the one this read showed.
            return ProcStat.read(pid)
                    .filter(s -> !s.isZombie())
                    .filter(s -> startMillis == 0 || Math.abs(s.startMillis() - startMillis) < 2000)
                    .filter(s -> isOwnedByThisUser(pid))
                    .filter(s -> belongsTo(pid, dir)
                            || ProcessHandle.of(s.parent())
                                    .filter(p -> isGroupRunsv(p, dir, roots))
                                    .isPresent())
                    .map(WatchedProcess::verifiedByStat);
        }
        return find(pid, startMillis)
                .filter(Processes::isOwnedByThisUser)
                .filter(h -> belongsTo(h, dir)
                        || h.parent().filter(p -> isGroupRunsv(p, dir, roots)).isPresent())
                .map(WatchedProcess::of);
    }

    /**
     * Whether {@code h} is a runsv of the group: runsv, this user's, and working in the group dir
     * (runsvdir starts each runsv in its service dir) or a child of the group's verified runsvdir
     * or watchdog.
     */
    public static boolean isGroupRunsv(ProcessHandle h, Path groupDir, Set<Long> roots) {
        return groupRunsv(h, groupDir, roots).isPresent();
    }

    /** {@code h}, watched, if it is a runsv of the group ({@link #isGroupRunsv}). */
    public static Optional<WatchedProcess> groupRunsv(ProcessHandle h, Path groupDir, Set<Long> roots) {
        boolean runsv =
                command(h).map(c -> c.equals("runsv") || c.endsWith("/runsv")).orElse(false);
        if (!runsv || !isOwnedByThisUser(h)) {
            return Optional.empty();
        }
        Path dir = groupDir.toAbsolutePath().normalize();
        if (ProcStat.AVAILABLE) {
            // One stat read for the zombie check and the parent, then the handle's own start-time
            // check (isAlive), which makes sure the stat read before it is of this process.
            Optional<ProcStat> s = ProcStat.read(h.pid());
            boolean ours = s.isPresent()
                    && !s.get().isZombie()
                    && h.isAlive()
                    && (belongsTo(h, dir) || roots.contains(s.get().parent()));
            return ours ? Optional.of(WatchedProcess.verified(h, s.get())) : Optional.empty();
        }
        boolean ours = isRunning(h)
                && (belongsTo(h, dir)
                        || h.parent().map(p -> roots.contains(p.pid())).orElse(false));
        return ours ? Optional.of(WatchedProcess.of(h)) : Optional.empty();
    }

    /**
     * The executable's path, as {@link ProcessHandle.Info#command()} gives it: on Linux one
     * readlink of {@code /proc/PID/exe}, without the stat, command line and user name that {@code
     * info()} reads along with it.
     */
    public static Optional<String> command(ProcessHandle h) {
        if (PROC) {
            try {
                return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "exe"))
                        .toString());
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
        return h.info().command();
    }

    /** {@link #isOwnedByThisUser(ProcessHandle)} by pid, on Linux: a process whose user cannot be read is not ours. */
    private static boolean isOwnedByThisUser(long pid) {
        return procOwnedByThisUser(pid).orElse(false);
    }

    /** Whether {@code /proc/PID} (its owner is the process's effective uid) is this user's; empty when unreadable. */
    private static Optional<Boolean> procOwnedByThisUser(long pid) {
        try {
            return Optional.of(Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid")
                    .equals(SELF_UID.orElseThrow(() -> new IOException("no uid of /proc/self"))));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Same user as this JVM; a process whose user cannot be read is not ours to signal. */
    static boolean isOwnedByThisUser(ProcessHandle h) {
        if (PROC) {
            Optional<Boolean> owned = procOwnedByThisUser(h.pid()); // no name lookup needed
            if (owned.isPresent()) {
                return owned.get();
            }
        }
        Optional<String> user = h.info().user();
        return user.isPresent() && user.equals(USER);
    }

    /**
     * The process's working dir lies in the group dir, or the group dir is an argument (or a prefix
     * of one). The working dir comes first: one readlink on Linux that settles it for every process
     * of a group (the watchdog and runsvdir work in the group dir, runsv and svlogd in their service
     * dirs, a service in its own unless its {@code workdir} says otherwise), where the command line
     * costs an open, a stat, a read and a close.
     */
    static boolean belongsTo(ProcessHandle h, Path groupDir) {
        return PROC ? belongsTo(h.pid(), groupDir) : namesDir(arguments(h), groupDir);
    }

    /** {@link #belongsTo(ProcessHandle, Path)} by pid, on Linux ({@code /proc}). */
    private static boolean belongsTo(long pid, Path groupDir) {
        try {
            if (Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
                    .startsWith(groupDir)) {
                return true;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The arguments may still name it.
        }
        return namesDir(procArguments(pid), groupDir);
    }

    private static boolean namesDir(List<String> arguments, Path groupDir) {
        String dir = groupDir.toString();
        return arguments.stream().anyMatch(arg -> arg.equals(dir) || arg.startsWith(dir + "/"));
    }

    /** argv from {@code /proc/PID/cmdline}: exact, NUL-separated; empty once the process is gone. */
    private static List<String> procArguments(long pid) {
        try {
            byte[] raw = ProcStat.readSmallBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** argv of the process: /proc on Linux (exact, NUL-separated), ProcessHandle.Info elsewhere. */
    static List<String> arguments(ProcessHandle h) {
        if (PROC) {
            return procArguments(h.pid());
        }
        ProcessHandle.Info info = h.info();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        info.command().ifPresent(out::add);
        info.arguments().ifPresent(a -> out.addAll(List.of(a)));
        if (out.isEmpty()) {
            info.commandLine().ifPresent(out::add);
        }
        return out;
    }

    /** The start time in epoch millis, 0 when unknown: on Linux one stat read, not {@code info()}. */
    public static long startMillis(ProcessHandle h) {
        if (ProcStat.AVAILABLE) {
            // Read the stat, then check the handle is still that process (its own start-time check).
            Optional<ProcStat> s = ProcStat.read(h.pid());
            return s.isPresent() && h.isAlive() ? s.get().startMillis() : 0L;
        }
        return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }

    private static Optional<Object> selfUid() {
        if (!PROC) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the users of one machine from leasing the same port. {@link PortClaims} keeps one user's
 * databases apart, but another user can read neither those claims nor the databases (both are
 * private), so each lease is also claimed in a dir every user shares: {@code
 * /tmp/pgroup-port-claims} ({@code $PGROUP_MACHINE_CLAIMS}), mode 1777 like /tmp itself. /tmp on
 * macOS too: {@code java.io.tmpdir} is per user there.
 *
 * <p>One file per port and user, {@code <port>.<uid>}, written by that user; the sticky bit keeps
 * everyone else from deleting or replacing it. It names the database and group (for its own user)
 * and the <em>keepers</em>, the processes whose life bounds the lease: the leasing JVM, and for a
 * detached group its watchdog and runsvdir, which outlive the command that started it. Another
 * user's claim counts while one of its keepers runs (pid and start time, which {@code /proc} shows
 * across users; where that cannot be told, the keeper counts as running) or while it is younger
 * than {@link #pending}. A stale one is ignored: only its owner can delete it, which its next
 * claim of that port, its release or {@code prune} does. A file whose owner is not the uid its name
 * gives is someone's forgery and counts for nothing; a file in our name that is not ours makes us
 * skip that port (only someone who could bind it anyway can do that).
 *
 * <p>Two users claiming at once: each creates its file first and looks for the other's after
 * ({@link #contested}), so at least one of them sees the other, and whoever sees a live claim of
 * someone else on its port backs off. No lock is shared across users: a lock file in a world-writable
 * dir would let any user stall everyone's leases.
 */
public final class MachineClaims {
    /** System property for tests: the dir, in place of {@code $PGROUP_MACHINE_CLAIMS} (a JVM cannot set its own). */
    public static final String TEST_DIR = "pgroup.test.machineClaims";
    /** System property for tests: the pending window in ms, instead of waiting out {@link PortClaims#PENDING}. */
    public static final String TEST_PENDING = "pgroup.test.machineClaimPendingMillis";

    /**
     * System property for tests: a path; a lease that has just listed the dir creates {@code
     * <path>.listed} and waits (30 s at most) for {@code <path>.go}, so that a test can claim a port
     * after that listing, as a user racing this one would.
     */
    public static final String TEST_PAUSE_AFTER_LISTING = "pgroup.test.pauseAfterMachineClaimsListing";

    private final Path dir;
    private final int uid;
    private final String suffix;

    private MachineClaims(Path dir, int uid) {
        this.dir = dir;
        this.uid = uid;
        this.suffix = "." + uid;
    }

    /**
     * The machine's claims, or empty (after one line on stderr saying why) when its dir cannot be
     * trusted: see {@link MachineClaimsDir}.
     */
    static Optional<MachineClaims> locate(Map<String, String> environment) {
        return MachineClaimsDir.locate(environment).map(dir -> new MachineClaims(dir, TrustedDirectory.currentUid()));
    }

    Path directory() {
        return dir;
    }

    /** How long a claim counts whatever its keepers: the commit window of a lease. */
    private static Duration pending() {
        String millis = System.getProperty(TEST_PENDING);
        return millis == null ? PortClaims.PENDING : Duration.ofMillis(Long.parseLong(millis));
    }

    static long[] keeper(ProcessHandle h) {
        return new long[] {h.pid(), Processes.startMillis(h)};
    }

    /** This JVM as a keeper, read once: its start time costs a read of /proc. */
    private static final class ThisJvm {
        static final long[] KEEPER = keeper(ProcessHandle.current());
    }

    /**
     * The names in the dir, from one listing: what a lease consults for each candidate port
     * ({@link #others}) without touching the disk again (a file made after it is caught by {@link
     * #contested}). Names only, no Path per entry: the dir holds every user's claims.
     */
    String[] listing() {
        String[] names = dir.toFile().list();
        return names == null ? new String[0] : names; // unreadable now: contested() looks again
    }

    /** Other users' claim files of {@code port} among {@code names}. */
    List<Path> others(String[] names, int port) {
        String prefix = port + ".";
        List<Path> out = List.of();
        for (String name : names) {
            if (name.startsWith(prefix) && !name.endsWith(suffix)) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(dir.resolve(name));
            }
        }
        return out;
    }

    /**
     * Whether our own claim of {@code port} among {@code names} is another lease's that still
     * counts although no database of ours leases the port any more: the database that leased it was
     * deleted or replaced ({@code rm -rf ~/.pgroup}) while its group ran. It counts while one of its
     * keepers other than this JVM runs: the other JVM that leased it, or a detached group's watchdog
     * or runsvdir. This JVM's own leftovers do not count: a test's temp database deleted with its
     * leases in it frees them for this JVM's next engine.
     */
    boolean keptForAnotherLease(String[] names, int port, Path database, String group) {
        String name = port + suffix;
        if (!java.util.Arrays.asList(names).contains(name)) {
            return false;
        }
        Path file = dir.resolve(name);
        try {
            if (!isOurs(file)) {
                return false;
            }
            Optional<MachineClaimFile> claim = MachineClaimFile.read(file);
            return claim.isPresent()
                    && !claim.get().names(database, group)
                    && claim.get().keepers().stream()
                            .filter(k -> !java.util.Arrays.equals(k, ThisJvm.KEEPER))
                            .anyMatch(k -> Processes.find(k[0], k[1]).isPresent());
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: the probe-bind still guards a port that is bound
        }
    }

    /** See {@link #TEST_PAUSE_AFTER_LISTING}. */
    static void pauseForTest() {
        String path = System.getProperty(TEST_PAUSE_AFTER_LISTING);
        if (path == null) {
            return;
        }
        try {
            Files.createFile(Path.of(path + ".listed"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dev.pgroup.core.internal.os.Deadline.in(Duration.ofSeconds(30))
                .await(() -> Files.exists(Path.of(path + ".go")), Duration.ofMillis(10));
    }

    /** Whether one of {@code files} (other users' claims of one port) counts. */
    boolean anyLive(List<Path> files) {
        for (Path f : files) {
            if (isLive(f)) {
                return true;
            }
        }
        return false;
    }

    private boolean isLive(Path file) {
        String name = file.getFileName().toString();
        try {
            Map<String, Object> a =
                    Files.readAttributes(file, "unix:uid,isRegularFile,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) a.get("uid");
            if (!(Boolean) a.get("isRegularFile") || !name.endsWith("." + owner) || owner == uid) {
                return false; // a forgery (or a temp file): counts for nobody
            }
            java.time.Instant made = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant();
            if (made.isAfter(java.time.Instant.now().minus(pending()))) {
                return true; // may be one being written, or a lease about to commit
            }
            Optional<MachineClaimFile> claim = MachineClaimFile.read(file);
            return claim.isPresent()
                    && claim.get().keepers().stream()
                            .anyMatch(k -> Processes.find(k[0], k[1]).isPresent());
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable and old: nothing says it is kept
        }
    }

    /**
     * Writes our claim of {@code port}, replacing a claim of ours (the caller holds this user's
     * claim of the port, so any earlier one of ours is stale).
     *
     * @return false when a file in our name is not ours: the port is skipped
     */
    boolean claim(int port, Path database, String group) throws IOException {
        Path file = dir.resolve(port + suffix);
        MachineClaimFile claim = new MachineClaimFile(database, group, List.of(ThisJvm.KEEPER));
        try {
            MachineClaimFile.write(file, claim, StandardOpenOption.CREATE_NEW);
            return true;
        } catch (NoSuchFileException e) {
            // The dir went away (a /tmp cleaner): made again and checked as at first; when it is
            // unusable now, that was said, and the probe-bind guards this port as before.
            if (MachineClaimsDir.usable(dir).isPresent()) {
                MachineClaimFile.write(file, claim, StandardOpenOption.CREATE_NEW);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!isOurs(file)) {
                return false;
            }
            MachineClaimFile.write(file, claim, StandardOpenOption.TRUNCATE_EXISTING);
            return true;
        }
    }

    /** Of {@code ports}, those another user claims too, from a fresh listing: the race check. */
    List<Integer> contested(Collection<Integer> ports) {
        if (ports.isEmpty()) {
            return List.of();
        }
        String[] names = listing();
        List<Integer> out = new ArrayList<>();
        for (int port : ports) {
            if (anyLive(others(names, port))) {
                out.add(port);
            }
        }
        return out;
    }

    /** Deletes our claim of {@code port} if it is {@code group}'s of {@code database}. */
    void release(int port, Path database, String group) {
        Path file = dir.resolve(port + suffix);
        try {
            if (isOurs(file)
                    && MachineClaimFile.read(file)
                            .filter(c -> c.names(database, group))
                            .isPresent()) {
                Files.delete(file);
            }
        } catch (IOException | RuntimeException e) {
            // Left behind, it is stale once its keepers are gone, and our next claim replaces it.
        }
    }

    /** Adds {@code keepers} to our claims of {@code ports} for {@code group} of {@code database}. */
    void keep(Collection<Integer> ports, Path database, String group, List<ProcessHandle> keepers) {
        for (int port : ports) {
            Path file = dir.resolve(port + suffix);
            try {
                Optional<MachineClaimFile> claim = isOurs(file) ? MachineClaimFile.read(file) : Optional.empty();
                if (claim.isPresent() && claim.get().names(database, group)) {
                    List<long[]> all = new ArrayList<>(claim.get().keepers());
                    keepers.forEach(k -> all.add(keeper(k)));
                    MachineClaimFile.write(
                            file, new MachineClaimFile(database, group, all), StandardOpenOption.TRUNCATE_EXISTING);
                }
            } catch (IOException | RuntimeException e) {
                // The claim then lasts as long as the JVM that made it, as a group it owns would.
            }
        }
    }

    /** Deletes our claims that count for no one: every keeper gone, older than the pending window. */
    int pruneStale() {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            java.time.Instant cutoff = java.time.Instant.now().minus(pending());
            for (Path f : files) {
                if (isOurs(f)
                        && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)
                                .toInstant()
                                .isBefore(cutoff)
                        && MachineClaimFile.read(f)
                                .map(c -> c.keepers().stream().noneMatch(k -> Processes.find(k[0], k[1])
                                        .isPresent()))
                                .orElse(true)) {
                    Files.deleteIfExists(f);
                    deleted++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale claim misleads no one.
        }
        return deleted;
    }

    private boolean isOurs(Path file) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:uid,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            return (Boolean) a.get("isRegularFile") && (Integer) a.get("uid") == uid;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}

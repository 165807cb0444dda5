package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps two port databases of one user from leasing the same port. A lease is exclusive within its
 * database; across databases (a build with its own {@code PGROUP_DATABASE}, a test's temp database)
 * only the probe-bind protected, and it loses while the other group has leased a port but not bound
 * it yet. So every lease also claims its port in a directory all the user's databases share: one
 * file per port, {@code <claims dir>/<port>}, naming the database and the group.
 *
 * <p>A claim outlives the JVM that made it (a detached group's ports stay leased), so a claim
 * counts only while the database it names still leases that port to that group, or while it is
 * young enough that the lease may not be committed yet ({@link #PENDING}); otherwise it is stale and
 * the next claimer takes it over. Claiming and releasing happen under a lock file in the
 * claims dir, held for the few file operations of one lease, so that two claimers never both take
 * over the same stale claim. Other users are kept off by the machine-wide {@link MachineClaims},
 * which each claim here is mirrored into (or, when that dir is unusable, by the probe-bind alone).
 */
public final class PortClaims {
    private static final String LOCK_FILE = ".lock";
    /**
     * How long a claim counts without its lease: a lease is claimed inside its transaction, which
     * commits later (a create leases in its registering transaction), and a database reader sees
     * only committed leases. A lease transaction takes milliseconds; a claim left by a crash
     * blocks its port for this long at most.
     */
    static final java.time.Duration PENDING = java.time.Duration.ofSeconds(60);
    /**
     * One holder per JVM at a time: POSIX record locks belong to the process, so a second thread's
     * {@code FileChannel.lock} would throw, and its {@code close} would drop the first one's lock.
     */
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    /** Found once per database and JVM: it checks and creates dirs. */
    private static final java.util.Map<Path, PortClaims> BY_DATABASE = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path dir;
    private final Path database;
    private final Optional<MachineClaims> machine;

    /**
     * @param dir the claims dir, shared by every database of the user
     * @param database the database whose leases these claims mirror
     */
    public PortClaims(Path dir, Path database) {
        this(dir, database, MachineClaims.locate(System.getenv()));
    }

    private PortClaims(Path dir, Path database, Optional<MachineClaims> machine) {
        this.dir = dir.toAbsolutePath().normalize();
        this.database = database.toAbsolutePath().normalize();
        this.machine = machine;
    }

    /**
     * The claims dir of a user: {@code ~/.pgroup/port-claims}, which every database of the user
     * finds whatever its own path; next to {@code database} when the home dir cannot hold it (a
     * container user without a home), which then protects only within that database's dir.
     */
    public static PortClaims forDatabase(Path database) {
        return BY_DATABASE.computeIfAbsent(database.toAbsolutePath().normalize(), PortClaims::locate);
    }

    private static PortClaims locate(Path database) {
        Path home = Path.of(System.getProperty("user.home"), ".pgroup");
        Path dir = home.resolve("port-claims");
        try {
            FilePermissions.createPrivateDirectories(dir);
            if (TrustedDirectory.problem(home).isEmpty()
                    && TrustedDirectory.problem(dir).isEmpty()) {
                return new PortClaims(dir, database);
            }
        } catch (IOException | RuntimeException e) {
            // An unusable home: the database's own dir, which the database already requires.
        }
        return new PortClaims(database.toAbsolutePath().getParent().resolve("port-claims"), database);
    }

    public Path directory() {
        return dir;
    }

    /** The machine-wide claims dir this user's claims are mirrored into, if it is usable. */
    public Optional<Path> machineDirectory() {
        return machine.map(MachineClaims::directory);
    }

    /** What {@link Session#claim} found. */
    public enum Outcome {
        CLAIMED,
        /**
         * Another database of this user leases the port, or did until it was deleted or replaced
         * while the group that leased it ran (see {@link MachineClaims#keptForAnotherLease}).
         */
        OTHER_DATABASE,
        /** Another user of the machine holds a live claim of the port. */
        OTHER_USER
    }

    /** Claims held for one lease transaction; {@link #close} ends it. */
    public Session open() {
        return new Session();
    }

    /** The claims dir locked for this JVM and every other process of the user. */
    public final class Session implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;
        /** The machine's claims dir, listed once, at the session's first claim. */
        private String[] machineListing;

        private Session() {
            IN_THIS_JVM.lock();
            try {
                FilePermissions.createPrivateDirectories(dir);
                TrustedDirectory.check(dir, "port claims dir");
                channel = FileChannel.open(
                        dir.resolve(LOCK_FILE),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                lock = channel.lock();
            } catch (IOException | RuntimeException e) {
                IN_THIS_JVM.unlock();
                throw new PGroupException("cannot lock the port claims dir " + dir + ": " + e, e);
            }
        }

        /**
         * Claims {@code port} for {@code group} of this database, taking over a stale claim, and
         * mirrors the claim into the machine's dir unless another user holds the port there.
         */
        public Outcome claim(int port, String group) {
            Path file = dir.resolve(Integer.toString(port));
            UserClaimFile ours = new UserClaimFile(database, group);
            try {
                if (machine.isPresent()) {
                    if (machineListing == null) {
                        machineListing = machine.get().listing();
                        MachineClaims.pauseForTest();
                    }
                    if (machine.get().anyLive(machine.get().others(machineListing, port))) {
                        return Outcome.OTHER_USER;
                    }
                }
                Optional<UserClaimFile> existing = UserClaimFile.read(file);
                if (existing.isPresent()) {
                    UserClaimFile other = existing.get();
                    if (!other.database().equals(database) && other.isLive(port, file)) {
                        return Outcome.OTHER_DATABASE;
                    }
                    // Ours (our database does not lease the port, or the caller would not ask) or stale.
                    Files.delete(file);
                }
                if (machine.isPresent() && machine.get().keptForAnotherLease(machineListing, port, database, group)) {
                    return Outcome.OTHER_DATABASE; // a running group's, whose database is gone
                }
                Files.writeString(file, ours.text(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                if (machine.isPresent() && !claimOnMachine(machine.get(), port, group, file)) {
                    return Outcome.OTHER_USER; // a file in our name that is not ours: skip the port
                }
                return Outcome.CLAIMED;
            } catch (FileAlreadyExistsException e) {
                throw new PGroupException("the port claim " + file + " appeared while the claims dir was locked");
            } catch (IOException e) {
                throw new PGroupException("cannot claim port " + port + " in " + dir + ": " + e, e);
            }
        }

        /** The machine's claim after ours: on false or a failure, ours ({@code file}) goes again. */
        private boolean claimOnMachine(MachineClaims m, int port, String group, Path file) throws IOException {
            boolean claimed;
            try {
                claimed = m.claim(port, database, group);
            } catch (IOException e) {
                Files.delete(file);
                throw new PGroupException(
                        "cannot claim port " + port + " in the machine's port claims dir " + m.directory() + ": " + e,
                        e);
            }
            if (!claimed) {
                Files.delete(file);
            }
            return claimed;
        }

        /**
         * Of the ports just claimed, those another user claimed at the same time, from a fresh
         * look at the machine's dir: the caller releases them and leases others.
         */
        public java.util.List<Integer> contested(Collection<Integer> ports) {
            return machine.map(m -> m.contested(ports)).orElse(java.util.List.of());
        }

        /**
         * Adds {@code keepers} to the machine claims of {@code group}'s {@code ports}: processes
         * (a detached group's watchdog and runsvdir) that keep the lease after the JVM that
         * claimed it exits.
         */
        public void keep(String group, Collection<Integer> ports, java.util.List<ProcessHandle> keepers) {
            machine.ifPresent(m -> m.keep(ports, database, group, keepers));
        }

        /** Deletes this user's machine claims that count for no one any more; for prune. */
        public int pruneStaleMachineClaims() {
            return machine.map(MachineClaims::pruneStale).orElse(0);
        }

        /** Drops the claims of {@code group} of this database on {@code ports}; others' are kept. */
        public void release(String group, Collection<Integer> ports) {
            UserClaimFile ours = new UserClaimFile(database, group);
            for (int port : ports) {
                machine.ifPresent(m -> m.release(port, database, group));
                Path file = dir.resolve(Integer.toString(port));
                try {
                    if (UserClaimFile.read(file).filter(ours::equals).isPresent()) {
                        Files.delete(file);
                    }
                } catch (IOException e) {
                    // A claim left behind is stale once the lease is gone: the next claimer takes it over.
                }
            }
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // Closing the channel drops the lock in any case.
            } finally {
                IN_THIS_JVM.unlock();
            }
        }
    }
}

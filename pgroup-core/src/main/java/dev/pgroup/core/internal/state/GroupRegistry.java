package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.Processes;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every group of the user on this machine, whatever its base dir: so that {@code pgroup list} and
 * prune find groups that Maven builds created in their own {@code target/} dirs.
 */
public final class GroupRegistry {

    /**
     * One registry row. {@code runsvdirStart} (epoch ms, 0 if unknown) lets prune verify the pid even
     * when the group dir, and with it the pid file, is gone.
     *
     * @param creating true while the group's create has not finished: its owner is then the creating
     *     JVM, even for a detached group, so that prune can reclaim a create whose JVM was killed
     */
    public record Entry(
            String id,
            String name,
            Path directory,
            Owner owner,
            long runsvdirPid,
            long runsvdirStart,
            Instant createdAt,
            boolean creating) {
        /** The group's runsvdir, if it still runs and is provably the one pgroup started for this dir. */
        public Optional<ProcessHandle> runsvdir() {
            return runsvdirPid > 0 ? Processes.findInGroup(runsvdirPid, runsvdirStart, directory) : Optional.empty();
        }
    }

    private static final String CREATING = "creating";

    private final StateDatabase database;
    private final Path ownersDir;

    public GroupRegistry(StateDatabase database) {
        this.database = database;
        this.ownersDir = OwnerLock.ownersDir(database.file());
    }

    /** Registers a finished group; see {@link #registerCreating} for one being created. */
    public void register(String id, String name, Path directory, Owner owner) {
        insert(id, name, directory, owner, "created");
    }

    /**
     * Registers a group whose create has begun, owned by {@code creator} until {@link #finish}: a
     * create killed halfway then leaves a row that prune can tell from a detached group's.
     */
    public void registerCreating(String id, String name, Path directory, Owner creator) {
        insert(id, name, directory, creator, CREATING);
    }

    private void insert(String id, String name, Path directory, Owner owner, String state) {
        database.write("register group " + id, c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO groups"
                    + " (id, name, dir, owner_pid, owner_start, owner_lock, runsvdir_pid, state, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, name);
                insert.setString(3, directory.toString());
                insert.setLong(4, owner.pid());
                insert.setLong(5, owner.startMillis());
                insert.setString(6, owner.lockName());
                insert.setString(7, state);
                insert.setLong(8, System.currentTimeMillis());
                return insert.executeUpdate();
            }
        });
    }

    /**
     * Ends a create: the row and the group's leases pass to their final owner, in one transaction.
     *
     * @throws dev.pgroup.core.model.PGroupException when the row is gone (a prune took the create for dead)
     */
    public void finish(String id, Owner owner) {
        int updated = database.write("finish creating group " + id, c -> {
            try (PreparedStatement group = c.prepareStatement("UPDATE groups SET state = 'created',"
                            + " owner_pid = ?, owner_start = ?, owner_lock = ? WHERE id = ? AND state = '"
                            + CREATING + "'");
                    PreparedStatement leases = c.prepareStatement(
                            "UPDATE leases SET owner_pid = ?, owner_start = ?, owner_lock = ? WHERE group_id = ?")) {
                for (PreparedStatement u : List.of(group, leases)) {
                    u.setLong(1, owner.pid());
                    u.setLong(2, owner.startMillis());
                    u.setString(3, owner.lockName());
                    u.setString(4, id);
                }
                int rows = group.executeUpdate();
                if (rows == 1) {
                    leases.executeUpdate();
                }
                return rows;
            }
        });
        if (updated != 1) {
            throw new dev.pgroup.core.model.PGroupException("cannot finish creating group " + id
                    + ": its registry row in " + database.file() + " is gone (was it pruned?)");
        }
    }

    /**
     * Records the group's runsvdir pid (0 once stopped) and its start time, read here from the live
     * process so that callers need not pass it.
     */
    public void runsvdir(String id, long pid) {
        long start = pid > 0 ? ProcessHandle.of(pid).map(Processes::startMillis).orElse(0L) : 0;
        database.write("update group " + id, c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE groups SET runsvdir_pid = ?, runsvdir_start = ?, state = ? WHERE id = ?")) {
                update.setLong(1, pid);
                update.setLong(2, start);
                update.setString(3, pid == 0 ? "stopped" : "started");
                update.setString(4, id);
                return update.executeUpdate();
            }
        });
    }

    /**
     * Lets the machine-wide claims of a detached group's ports outlive the JVM that leased them:
     * {@code keepers} (its watchdog and runsvdir) keep them while they run.
     */
    public void keepPortClaims(String id, List<ProcessHandle> keepers) {
        PortLeases.keepClaims(database, id, keepers);
    }

    /** Forgets a group and releases its port leases, in one transaction. */
    public void remove(String id) {
        database.write("release the ports of group " + id, c -> {
            int leases = PortLeases.deleteLeases(c, database, id);
            try (PreparedStatement group = c.prepareStatement("DELETE FROM groups WHERE id = ?")) {
                group.setString(1, id);
                return leases + group.executeUpdate();
            }
        });
    }

    public Optional<Entry> find(String id) {
        return list("id = ?", id).stream().findFirst();
    }

    public List<Entry> all() {
        return list(null, null);
    }

    private List<Entry> list(String where, String arg) {
        return database.read("list groups", c -> {
            String sql = "SELECT id, name, dir, owner_pid, owner_start, owner_lock, runsvdir_pid, runsvdir_start,"
                    + " created_at, state"
                    + " FROM groups"
                    + (where == null ? "" : " WHERE " + where) + " ORDER BY created_at, id";
            try (PreparedStatement q = c.prepareStatement(sql)) {
                if (arg != null) {
                    q.setString(1, arg);
                }
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(
                                rs.getString(1),
                                rs.getString(2),
                                Path.of(rs.getString(3)),
                                Owner.of(rs.getLong(4), rs.getLong(5), rs.getString(6), ownersDir),
                                rs.getLong(7),
                                rs.getLong(8),
                                Instant.ofEpochMilli(rs.getLong(9)),
                                CREATING.equals(rs.getString(10))));
                    }
                }
                return out;
            }
        });
    }
}

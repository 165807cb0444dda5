package dev.pgroup.core.internal.state;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Port leases in the {@link StateDatabase}. All ports of a group are leased in one transaction. A
 * lease records its owner (lock file, pid and start time) so that leases of a dead owner can be
 * reclaimed, and a port is probe-bound before it is granted, to skip ports unrelated programs hold.
 * Every lease is also claimed in the user's {@link PortClaims}, so that another database of the
 * user never leases it too, and in the machine's {@link MachineClaims}, so that another user does not.
 */
public final class PortLeases {

    /** One leased port. */
    public record Lease(String process, String name, int port) {}

    /**
     * The lease of a running seed ({@code {{seed.port}}}) has no group row: its "group id" starts
     * with this, which no group id can (they start with a letter). {@link #releaseUnregistered}
     * leaves such a lease alone while its owner lives; a dead owner's is reclaimed like any other.
     */
    public static final String SEED_PREFIX = ".seed-";

    private final StateDatabase database;
    private final int firstPort;
    private final int lastPort;

    public PortLeases(StateDatabase database, int firstPort, int lastPort) {
        if (firstPort < 1024 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("port range " + firstPort + "-" + lastPort + " must lie in 1024-65535");
        }
        this.database = database;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
    }

    /** Where the database lives. */
    public Path database() {
        return database.file();
    }

    /**
     * Leases one free port for each requested {@code (process, name)} in one transaction.
     *
     * @param wanted {@code process -> port names}
     */
    public List<Lease> lease(String groupId, Owner owner, Map<String, List<String>> wanted) {
        int count = wanted.values().stream().mapToInt(List::size).sum();
        if (count == 0) {
            return List.of();
        }
        Path ownersDir = OwnerLock.ownersDir(database.file());
        PortClaims claims = PortClaims.forDatabase(database.file());
        return database.write("lease " + count + " port(s) for group " + groupId, connection -> {
            try (PortClaims.Session session = claims.open()) {
                List<Integer> claimed = new ArrayList<>();
                try {
                    return new LeaseAllocation(database.file(), firstPort, lastPort)
                            .lease(connection, session, claimed, ownersDir, groupId, owner, wanted, count);
                } catch (SQLException | RuntimeException e) {
                    session.release(groupId, claimed); // the transaction rolls the leases back
                    throw e;
                }
            }
        });
    }

    /** Releases every lease of a group. Releasing a group with no leases is fine. */
    public int release(String groupId) {
        return database.write(
                "release the ports of group " + groupId, connection -> deleteLeases(connection, database, groupId));
    }

    /**
     * Deletes every lease of a group in the caller's transaction: the one place a group's leases
     * are released, by {@link #release} and by {@link GroupRegistry#remove} with the group's row.
     */
    static int deleteLeases(Connection connection, StateDatabase database, String groupId) throws SQLException {
        List<Integer> ports = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT port FROM leases WHERE group_id = ?")) {
            q.setString(1, groupId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ports.add(rs.getInt(1));
                }
            }
        }
        if (ports.isEmpty()) {
            return 0;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM leases WHERE group_id = ?")) {
            delete.setString(1, groupId);
            int deleted = delete.executeUpdate();
            try (PortClaims.Session session =
                    PortClaims.forDatabase(database.file()).open()) {
                session.release(groupId, ports);
            }
            return deleted;
        }
    }

    /**
     * Adds {@code keepers} to the machine-wide claims of a group's ports: a detached group's
     * watchdog and runsvdir, so that other users keep off its ports after the JVM that leased them
     * exits (see {@link MachineClaims}).
     */
    static void keepClaims(StateDatabase database, String groupId, List<ProcessHandle> keepers) {
        PortClaims claims = PortClaims.forDatabase(database.file());
        if (claims.machineDirectory().isEmpty()) {
            return;
        }
        List<Integer> ports = database.read("read the ports of group " + groupId, connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT port FROM leases WHERE group_id = ?")) {
                q.setString(1, groupId);
                List<Integer> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                }
                return out;
            }
        });
        if (!ports.isEmpty()) {
            try (PortClaims.Session session = claims.open()) {
                session.keep(groupId, ports, keepers);
            }
        }
    }

    /** The leases of a group, by process then port name. */
    public Map<String, Map<String, Integer>> leasesOf(String groupId) {
        return database.read("read the leases of group " + groupId, connection -> {
            try (PreparedStatement q = connection.prepareStatement(
                    "SELECT process, name, port FROM leases WHERE group_id = ? ORDER BY rowid")) {
                q.setString(1, groupId);
                Map<String, Map<String, Integer>> out = new HashMap<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new java.util.LinkedHashMap<>())
                                .put(rs.getString(2), rs.getInt(3));
                    }
                }
                return out;
            }
        });
    }

    /** Every leased port; for tests and {@code list}. */
    public Set<Integer> allLeasedPorts() {
        return database.read("read the leased ports", connection -> {
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT port FROM leases")) {
                Set<Integer> ports = new HashSet<>();
                while (rs.next()) {
                    ports.add(rs.getInt(1));
                }
                return ports;
            }
        });
    }

    /**
     * Releases the leases of groups the registry does not know, in one statement: a create
     * registers its group before it leases, so a group being created is never taken for unknown.
     * A running seed's lease is not a group's (see {@link #SEED_PREFIX}).
     *
     * @return how many ports were released, by group id
     */
    public Map<String, Integer> releaseUnregistered() {
        return database.write("release the leases of unknown groups", connection -> {
            Map<String, Integer> released = new java.util.TreeMap<>();
            Map<String, List<Integer>> ports = new HashMap<>();
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT group_id, port FROM leases"
                            + " WHERE group_id NOT IN (SELECT id FROM groups) AND group_id NOT LIKE '" + SEED_PREFIX
                            + "%'")) {
                while (rs.next()) {
                    released.merge(rs.getString(1), 1, Integer::sum);
                    ports.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getInt(2));
                }
            }
            if (!ports.isEmpty()) {
                try (Statement s = connection.createStatement()) {
                    s.executeUpdate(
                            "DELETE FROM leases WHERE group_id NOT IN (SELECT id FROM groups) AND group_id NOT LIKE '"
                                    + SEED_PREFIX + "%'");
                }
            }
            try (PortClaims.Session session =
                    PortClaims.forDatabase(database.file()).open()) {
                ports.forEach(session::release);
                // Claims other users can see but no longer heed (every keeper gone) are deleted
                // here, as only their owner can.
                session.pruneStaleMachineClaims();
            }
            return released;
        });
    }

    /** 127.0.0.1, where the groups' processes listen and their tests connect. */
    private static final InetAddress LOOPBACK = loopback();

    /** A connect to a local port is refused at once or accepted into the backlog at once. */
    private static final int PROBE_CONNECT_TIMEOUT_MS = 500;

    /**
     * Whether a group can use {@code port}: no other program listens on it (SO_REUSEADDR, so that
     * TIME_WAIT does not count), and a connection to it on 127.0.0.1 is not refused. Some machines
     * refuse local connections to a few ports whoever listens on them (a sandbox's own services, a
     * host firewall: this machine refuses 21053 and 22092); a port like that would reach its group
     * and fail every client. The probe's connection closes with a reset (linger 0), so it leaves
     * no TIME_WAIT that a service without SO_REUSEADDR could trip over. About 40 us a port.
     */
    public static boolean isUsable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port), 1);
            try (Socket client = new Socket()) {
                client.setSoLinger(true, 0);
                client.connect(new InetSocketAddress(LOOPBACK, port), PROBE_CONNECT_TIMEOUT_MS);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** The default lease range: from 20000 up to just below the kernel's ephemeral range. */
    public static int[] defaultRange() {
        int ephemeralFirst = 49152; // macOS and the IANA default
        Path linux = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(linux)) {
            // Not Files.readString: /proc files report size 0, and readString returned "3" here.
            try (java.io.BufferedReader in = Files.newBufferedReader(linux)) {
                ephemeralFirst = Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException ignored) {
                // Keep the IANA default.
            }
        }
        int first = ephemeralFirst > 21000 ? 20000 : 10000;
        return new int[] {first, Math.max(first + 100, ephemeralFirst - 1)};
    }
}

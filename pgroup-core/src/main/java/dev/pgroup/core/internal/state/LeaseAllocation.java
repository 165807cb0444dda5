package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.state.PortLeases.Lease;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds and inserts the leases of one group inside the caller's write transaction: from a random
 * start in the range, skipping ports leased here, held by other programs, or claimed by another
 * database of the user, and when the range runs out it says where every port went.
 */
final class LeaseAllocation {
    private final Path database;
    private final int firstPort;
    private final int lastPort;

    LeaseAllocation(Path database, int firstPort, int lastPort) {
        this.database = database;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
    }

    List<Lease> lease(
            Connection connection,
            PortClaims.Session session,
            List<Integer> claimed,
            Path ownersDir,
            String groupId,
            Owner owner,
            Map<String, List<String>> wanted,
            int count)
            throws SQLException {
        Set<Integer> taken = DeadOwnerLeases.leasedPortsReclaimingDeadOwners(connection, ownersDir, session);
        int leasedToOthers = taken.size();
        int heldByOtherPrograms = 0;
        int claimedByOtherDatabases = 0;
        List<Lease> leases = new ArrayList<>();
        int span = lastPort - firstPort + 1;
        int candidate = firstPort + ThreadLocalRandom.current().nextInt(span);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO leases (port, group_id, process, name, owner_pid, owner_start, owner_lock, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<String>> e : wanted.entrySet()) {
                for (String name : e.getValue()) {
                    int port = -1;
                    for (int tried = 0; tried < span && port < 0; tried++, candidate++) {
                        if (candidate > lastPort) {
                            candidate = firstPort;
                        }
                        if (!taken.contains(candidate)) {
                            if (!PortLeases.isBindable(candidate)) {
                                // Counted once: it joins taken, so the search skips it from now on.
                                taken.add(candidate);
                                heldByOtherPrograms++;
                            } else if (session.claim(candidate, groupId).isPresent()) {
                                taken.add(candidate);
                                claimedByOtherDatabases++;
                            } else {
                                claimed.add(candidate);
                                port = candidate;
                            }
                        }
                    }
                    if (port < 0) {
                        throw new PGroupException(noFreePort(
                                groupId,
                                count,
                                leases.size(),
                                leasedToOthers,
                                heldByOtherPrograms,
                                claimedByOtherDatabases));
                    }
                    taken.add(port);
                    insert.setInt(1, port);
                    insert.setString(2, groupId);
                    insert.setString(3, e.getKey());
                    insert.setString(4, name);
                    insert.setLong(5, owner.pid());
                    insert.setLong(6, owner.startMillis());
                    insert.setString(7, owner.lockName());
                    insert.setLong(8, System.currentTimeMillis());
                    insert.addBatch();
                    leases.add(new Lease(e.getKey(), name, port));
                }
            }
            insert.executeBatch();
        }
        return leases;
    }

    /** Says where every port of the range went, so that the numbers add up to the range's size. */
    private String noFreePort(
            String groupId,
            int wanted,
            int found,
            int leasedToOthers,
            int heldByOtherPrograms,
            int claimedByOtherDatabases) {
        int span = lastPort - firstPort + 1;
        return "no free port left in " + firstPort + "-" + lastPort + " (" + span + " ports) for the " + wanted
                + " port(s) of group " + groupId + ": " + are(leasedToOthers) + " leased to other groups in "
                + database + ", " + are(heldByOtherPrograms) + " in use by other programs, "
                + are(claimedByOtherDatabases) + " leased in other databases of yours, and the "
                + found + " free one(s) were not enough; nothing was leased. Terminate old groups (pgroup prune"
                + " cleans up after dead owners) or widen the port range";
    }

    private static String are(int n) {
        return n + (n == 1 ? " is" : " are");
    }
}

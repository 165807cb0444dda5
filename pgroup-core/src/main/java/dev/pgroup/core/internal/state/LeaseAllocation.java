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
 * database of the user or by another user of the machine, and when the range runs out it says where
 * every port went.
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
        Search search = new Search(
                DeadOwnerLeases.leasedPortsReclaimingDeadOwners(connection, ownersDir, session),
                session,
                claimed,
                groupId,
                count);
        List<Lease> leases = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : wanted.entrySet()) {
            for (String name : e.getValue()) {
                leases.add(new Lease(e.getKey(), name, search.next()));
            }
        }
        // Another user may have claimed one of them meanwhile: each side looks after claiming, so
        // at least one sees the other, and whoever sees backs off. A lost port stays taken, so this
        // ends.
        for (List<Integer> lost = session.contested(claimed); !lost.isEmpty(); lost = session.contested(claimed)) {
            session.release(groupId, lost);
            claimed.removeAll(lost);
            search.claimedByOtherUsers += lost.size();
            for (int i = 0; i < leases.size(); i++) {
                Lease l = leases.get(i);
                if (lost.contains(l.port())) {
                    leases.set(i, new Lease(l.process(), l.name(), search.next()));
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO leases (port, group_id, process, name, owner_pid, owner_start, owner_lock, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Lease l : leases) {
                insert.setInt(1, l.port());
                insert.setString(2, groupId);
                insert.setString(3, l.process());
                insert.setString(4, l.name());
                insert.setLong(5, owner.pid());
                insert.setLong(6, owner.startMillis());
                insert.setString(7, owner.lockName());
                insert.setLong(8, System.currentTimeMillis());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return leases;
    }

    /** The walk through the range, from a random start, with where each skipped port went. */
    private final class Search {
        private final Set<Integer> taken;
        private final PortClaims.Session session;
        private final List<Integer> claimed;
        private final String groupId;
        private final int count;
        private final int leasedToOthers;
        private final int span = lastPort - firstPort + 1;
        private int candidate = firstPort + ThreadLocalRandom.current().nextInt(span);
        private int heldByOtherPrograms;
        private int claimedByOtherDatabases;
        private int claimedByOtherUsers;

        Search(Set<Integer> taken, PortClaims.Session session, List<Integer> claimed, String groupId, int count) {
            this.taken = taken;
            this.session = session;
            this.claimed = claimed;
            this.groupId = groupId;
            this.count = count;
            this.leasedToOthers = taken.size();
        }

        /** The next free port, claimed. */
        int next() {
            for (int tried = 0; tried < span; tried++, candidate++) {
                if (candidate > lastPort) {
                    candidate = firstPort;
                }
                if (taken.contains(candidate)) {
                    continue;
                }
                // Whatever happens, the search skips it from now on, so each port is counted once.
                taken.add(candidate);
                if (!PortLeases.isUsable(candidate)) {
                    heldByOtherPrograms++;
                    continue;
                }
                switch (session.claim(candidate, groupId)) {
                    case CLAIMED -> {
                        claimed.add(candidate);
                        return candidate++;
                    }
                    case OTHER_DATABASE -> claimedByOtherDatabases++;
                    case OTHER_USER -> claimedByOtherUsers++;
                }
            }
            throw new PGroupException(noFreePort(
                    groupId,
                    count,
                    claimed.size(),
                    leasedToOthers,
                    heldByOtherPrograms,
                    claimedByOtherDatabases,
                    claimedByOtherUsers));
        }
    }

    /** Says where every port of the range went, so that the numbers add up to the range's size. */
    private String noFreePort(
            String groupId,
            int wanted,
            int found,
            int leasedToOthers,
            int heldByOtherPrograms,
            int claimedByOtherDatabases,
            int claimedByOtherUsers) {
        int span = lastPort - firstPort + 1;
        return "no free port left in " + firstPort + "-" + lastPort + " (" + span + " ports) for the " + wanted
                + " port(s) of group " + groupId + ": " + are(leasedToOthers) + " leased to other groups in "
                + database + ", " + are(heldByOtherPrograms) + " in use by other programs or refused on 127.0.0.1, "
                + are(claimedByOtherDatabases) + " leased in other databases of yours (or held by your running groups"
                + " whose database was deleted), "
                + are(claimedByOtherUsers) + " leased by other users of this machine, and the "
                + found + " free one(s) were not enough; nothing was leased. Terminate old groups (pgroup prune"
                + " cleans up after dead owners) or widen the port range";
    }

    private static String are(int n) {
        return n + (n == 1 ? " is" : " are");
    }
}

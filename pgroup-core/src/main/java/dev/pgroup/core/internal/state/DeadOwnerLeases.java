package dev.pgroup.core.internal.state;

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
 * The cheap reclaim a lease does first: a port leased by a JVM that is dead is free again, so
 * builds that were killed do not use the range up before anyone runs prune.
 */
final class DeadOwnerLeases {
    private DeadOwnerLeases() {}

    /**
     * Reads the leased ports; leases whose owner JVM is dead are deleted on the way (cheap reclaim),
     * and so are the lock files of those owners.
     */
    static Set<Integer> leasedPortsReclaimingDeadOwners(
            Connection connection, Path ownersDir, PortClaims.Session claims) throws SQLException {
        Set<Integer> taken = new HashSet<>();
        Map<Owner, Boolean> deadByOwner = new HashMap<>();
        List<Integer> reclaim = new ArrayList<>();
        Map<String, List<Integer>> reclaimByGroup = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT port, owner_pid, owner_start, owner_lock, group_id FROM leases")) {
            while (rs.next()) {
                Owner owner = Owner.of(rs.getLong(2), rs.getLong(3), rs.getString(4), ownersDir);
                if (deadByOwner.computeIfAbsent(owner, Owner::isDead)) {
                    reclaim.add(rs.getInt(1));
                    reclaimByGroup
                            .computeIfAbsent(rs.getString(5), k -> new ArrayList<>())
                            .add(rs.getInt(1));
                } else {
                    taken.add(rs.getInt(1));
                }
            }
        }
        if (!reclaim.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM leases WHERE port = ?")) {
                for (int port : reclaim) {
                    delete.setInt(1, port);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            reclaimByGroup.forEach(claims::release);
            deadByOwner.forEach((owner, dead) -> {
                if (dead && owner.lock() != null) {
                    OwnerLock.deleteIfDead(owner.lock());
                }
            });
        }
        return taken;
    }
}

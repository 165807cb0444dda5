package dev.pgroup.core.internal.container;

import dev.pgroup.core.internal.definition.ContainerSpec;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.ShortCommand;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.StartLock;
import dev.pgroup.core.internal.runit.Supervisor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prune's part for containers: removes the user's containers that pgroup made (found by label)
 * whose group no longer runs and whose owner died before anything removed them, or whose dir was
 * deleted. A container whose owner JVM lives is that JVM's to stop, and one of a group of another
 * existing database is that database's prune's: another build's stop in progress is never raced. A group runs while its runsvdir runs (verified by pid, start time, uid and command
 * line) or a start holds its lock; every container of a group is started under its runsvdir, so
 * one without is left over. Containers of other users, and of groups outside the base dir when
 * only the base dir is pruned, are left alone.
 */
public final class ContainerPrune {
    private ContainerPrune() {}

    /** Returns what it removed and what it could not, one line each. */
    public static List<String> run(Map<String, String> environment, Path baseDir, boolean onlyBaseDir, Path database) {
        List<String> actions = new ArrayList<>();
        String uid = Integer.toString(TrustedDirectory.currentUid());
        for (String name : ContainerSpec.ENGINES) {
            Optional<Path> client = Executables.find(name, environment.getOrDefault("PATH", ""));
            if (client.isEmpty()) {
                continue;
            }
            ShortCommand ids = ShortCommand.run(
                    client.get(),
                    environment,
                    ContainerEngine.CALL_TIMEOUT,
                    "ps",
                    "-aq",
                    "--filter",
                    "label=" + ContainerPlan.GROUP_LABEL);
            if (!ids.ok() || ids.out().isBlank()) {
                continue; // no daemon runs, so no container does
            }
            List<String> inspect = new ArrayList<>(List.of(
                    "inspect",
                    "--format",
                    "{{.Name}}\t" + label(ContainerPlan.GROUP_LABEL) + "\t" + label(ContainerPlan.DIR_LABEL) + "\t"
                            + label(ContainerPlan.OWNER_LABEL) + "\t" + label(ContainerPlan.UID_LABEL)));
            inspect.addAll(ids.out().strip().lines().toList());
            ShortCommand rows = ShortCommand.run(
                    client.get(), environment, ContainerEngine.CALL_TIMEOUT, inspect.toArray(String[]::new));
            if (!rows.ok() && rows.out().isBlank()) {
                if (!allVanished(rows.err())) {
                    actions.add("could not inspect " + name + "'s pgroup containers: " + rows.firstErrorLine());
                }
                continue;
            }
            for (String row : rows.out().strip().lines().toList()) {
                String[] f = row.split("\t", -1);
                if (f.length < 5 || !f[4].equals(uid) || f[2].isEmpty()) {
                    continue; // another user's, or not made by pgroup
                }
                String container = f[0].startsWith("/") ? f[0].substring(1) : f[0];
                Path dir = Path.of(f[2]);
                if (onlyBaseDir && !dir.startsWith(baseDir)) {
                    continue;
                }
                Optional<String> why = leftOver(dir, f[3], database);
                if (why.isEmpty()) {
                    continue;
                }
                ShortCommand rm = ShortCommand.run(
                        client.get(), environment, ContainerEngine.CALL_TIMEOUT, "rm", "-f", container);
                actions.add(
                        rm.ok()
                                ? "removed " + name + " container " + container + " of group " + f[1] + ": " + why.get()
                                : "could not remove " + name + " container " + container + " of group " + f[1] + " ("
                                        + why.get() + "): " + rm.firstErrorLine());
            }
        }
        return actions;
    }

    /**
     * Why a container of the group in {@code dir} is left over, or empty while the group is someone's
     * to finish: it runs, a start holds its lock, its owner JVM still lives (a stop in progress, or
     * supervision killed under a live owner, whose stop removes it), or it is a group of another
     * database that still exists (that database's prune decides, as for group dirs).
     *
     * @param database this prune's database
     */
    private static Optional<String> leftOver(Path dir, String ownerPid, Path database) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("its group's directory " + dir + " is gone");
        }
        GroupLayout layout = new GroupLayout(dir);
        if (Supervisor.runsvdir(layout).isPresent() || StartLock.isHeld(layout)) {
            return Optional.empty();
        }
        if (ownerAlive(ownerPid) || layout.otherLiveDatabase(database).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("its group no longer runs (its owner, pid " + ownerPid + ", is gone)");
    }

    /**
     * Whether the engine's only complaint is that the containers it was asked about are gone: each
     * was removed (its group's own stop, say) between the listing and the inspect, which is no
     * problem of prune's. Docker says "No such object", Podman "no such container" or "no such
     * object".
     */
    static boolean allVanished(String err) {
        List<String> lines = err.strip().lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty()
                && lines.stream()
                        .allMatch(l -> l.toLowerCase(java.util.Locale.ROOT).matches(".*no such (object|container).*"));
    }

    private static boolean ownerAlive(String ownerPid) {
        try {
            return !ownerPid.isEmpty()
                    && ProcessHandle.of(Long.parseLong(ownerPid)).isPresent();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String label(String key) {
        return "{{index .Config.Labels \"" + key + "\"}}";
    }
}

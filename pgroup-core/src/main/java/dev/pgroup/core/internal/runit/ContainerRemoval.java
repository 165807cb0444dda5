package dev.pgroup.core.internal.runit;

import static dev.pgroup.core.internal.os.Shell.quote;

import dev.pgroup.core.internal.os.ShortCommand;
import dev.pgroup.core.internal.os.Spawning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes sure a group's containers are gone. A container runs outside runit's reach: killing its
 * engine client (a stop_timeout that ran out, the owner watchdog's KILL) leaves it running. So
 * every way a group ends removes them, by the group's label:
 *
 * <ul>
 *   <li>each container process's {@code finish} script removes its own container by name, so a
 *       restart never meets the old one;
 *   <li>the group's {@code .pgroup/remove-containers} script removes every container labelled
 *       with the group's id; pgroup's stop runs it after the group's processes are gone, and the
 *       owner watchdog runs it when it tears the group down after its owner died;
 *   <li>prune removes containers whose group no longer runs ({@code ContainerPrune}).
 * </ul>
 */
public final class ContainerRemoval {
    /** The script's name in the group's state dir; owner-watchdog.pl runs it by this name too. */
    public static final String SCRIPT = "remove-containers";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ContainerRemoval() {}

    /** The line of a container process's {@code finish} script that removes its container. */
    static String finishLine(ContainerPlan c) {
        return quote(c.engine().toString()) + " rm -f " + quote(c.name()) + " >/dev/null 2>&1\n";
    }

    public static Path script(GroupLayout layout) {
        return layout.stateDir().resolve(SCRIPT);
    }

    /** Writes the group's removal script when any of its processes is a container. */
    public static void writeScript(GroupLayout layout, String groupId, List<ProcessPlan> plans) throws IOException {
        Set<String> engines = new LinkedHashSet<>();
        plans.stream()
                .filter(p -> p.container() != null)
                .forEach(p -> engines.add(p.container().engine().toString()));
        if (engines.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder("#!/bin/sh\n")
                .append("# Written by pgroup: removes every container of group ")
                .append(groupId)
                .append(", found by its label.\n")
                .append("# pgroup's stop runs it, and the owner watchdog when the owner died.\n")
                .append("status=0\n")
                .append("for engine in ");
        engines.forEach(e -> s.append(quote(e)).append(' '));
        s.append("; do\n")
                .append("  attempt=0\n")
                .append("  while :; do\n")
                .append("    ids=$(\"$engine\" ps -aq --filter ")
                .append(quote("label=" + ContainerPlan.GROUP_LABEL + "=" + groupId))
                .append(") || { status=1; break; }\n")
                .append("    [ -z \"$ids\" ] && break\n")
                .append("    attempt=$((attempt + 1))\n")
                .append(
                        "    if [ $attempt -gt 100 ]; then echo \"pgroup: containers left: $ids\" >&2; status=1; break; fi\n")
                .append("    # rm fails for a container whose --rm removal is under way; it is gone a moment later\n")
                .append("    \"$engine\" rm -f $ids >/dev/null 2>&1 || sleep 0.1\n")
                .append("  done\n")
                .append("done\n")
                .append("exit $status\n");
        Spawning.writeExecutable(script(layout), s);
    }

    /**
     * Runs the group's removal script, if it has one, and waits for it. Returns why it failed, or
     * empty when every container of the group is gone (or it never had any).
     */
    public static Optional<String> removeAll(GroupLayout layout, Map<String, String> environment) {
        Path script = script(layout);
        if (!Files.isRegularFile(script, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        ShortCommand run = ShortCommand.run(Path.of("/bin/sh"), environment, TIMEOUT, script.toString());
        return run.ok()
                ? Optional.empty()
                : Optional.of("could not remove the containers of " + layout.directory() + " (" + script + "): "
                        + run.firstErrorLine());
    }
}

package dev.pgroup.core.internal.container;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.ShortCommand;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Containers whose create the engine may still be running when a stop kills their client. The
 * client ({@code docker run}) sends the create and then the start; a client killed in between
 * (runit's TERM, a cancelled or failed start) leaves the create to the daemon, which finishes it
 * after the group's {@code remove-containers} ran: a created container outlives its group until a
 * prune (measured: 6 of 40 starts interrupted 0.1 to 0.4 s after the client was spawned).
 *
 * <p>Such a create can be in flight only while the client runs and its container does not, so a
 * stop looks before it signals ({@link #before}), and afterwards settles each such name ({@link
 * #settle}): it creates a container of that name itself, never started and labelled as the
 * group's. The engine reserves a name when a create begins, so that create succeeds only when no
 * create of the name is in flight, and no later one can land; the placeholder is then removed. A
 * conflict says the killed client's create still runs, or just landed: what is there is removed
 * and the name claimed again, until a claim succeeds or {@link #TIMEOUT} passes. A stop that finds
 * every container running (every stop after a successful start) asks the engine once per
 * container process, over its socket, and creates nothing.
 */
public final class InFlightCreates {
    /** A create in flight on a loaded daemon takes a second or two; beyond this prune removes it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private record Suspect(Path client, String name, String image) {}

    private final String groupId;
    private final GroupLayout layout;
    private final Map<String, String> environment;
    private final List<Suspect> suspects;

    private InFlightCreates(
            String groupId, GroupLayout layout, Map<String, String> environment, List<Suspect> suspects) {
        this.groupId = groupId;
        this.layout = layout;
        this.environment = environment;
        this.suspects = suspects;
    }

    /**
     * Before a stop: the container processes whose client runs while their container does not.
     *
     * @param images each container process's image, by process name (the image's id where create
     *     recorded it: the tag may have moved since)
     */
    public static InFlightCreates before(
            String groupId, GroupLayout layout, Map<String, String> environment, Map<String, String> images) {
        List<Suspect> suspects = new ArrayList<>();
        images.forEach((process, image) -> {
            try {
                ContainerPlan.readMarker(layout, process).ifPresent(plan -> {
                    long pid = SupervisedState.read(layout.serviceDir(process)).pid();
                    boolean clientRuns = pid > 0
                            && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    if (clientRuns
                            && !EngineApi.of(plan.engine(), environment)
                                    .container(plan.name(), Duration.ofSeconds(5))
                                    .running()) {
                        suspects.add(new Suspect(plan.engine(), plan.name(), image));
                    }
                });
            } catch (RuntimeException e) {
                // Never in the way of the stop: remove-containers still removes what is there.
            }
        });
        return new InFlightCreates(groupId, layout, environment, suspects);
    }

    /**
     * After the stop: makes sure no create of a suspect's name lands later.
     *
     * @throws PGroupException naming the container when a create was still in flight at the deadline
     *     or the engine refused the claim for another reason; {@code pgroup prune} removes it later
     */
    public void settle() {
        if (suspects.isEmpty()) {
            return;
        }
        Deadline deadline = Deadline.in(TIMEOUT);
        List<String> problems = new ArrayList<>();
        for (Suspect s : suspects) {
            settle(s, deadline).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new PGroupException("stopped group " + groupId + " (" + layout.directory()
                    + "), but its engine may still create " + String.join("; ", problems)
                    + "; pgroup prune removes such a container once it is there");
        }
    }

    private java.util.Optional<String> settle(Suspect s, Deadline deadline) {
        while (true) {
            List<String> create = new ArrayList<>(List.of("create", "--name", s.name()));
            create.addAll(ContainerPlan.labelArguments(groupId, layout.directory()));
            create.addAll(List.of(s.image(), "true"));
            ShortCommand claim = client(s, create.toArray(String[]::new));
            if (claim.ok()) {
                ShortCommand rm = client(s, "rm", "-f", s.name());
                return rm.ok()
                        ? java.util.Optional.empty()
                        : java.util.Optional.of("container " + s.name() + " (could not remove the placeholder: "
                                + rm.firstErrorLine() + ")");
            }
            if (!claim.err().contains("already in use")) {
                return java.util.Optional.of(
                        "container " + s.name() + " (could not claim its name: " + claim.firstErrorLine() + ")");
            }
            // The killed client's create holds the name, or its container just landed: remove it once there.
            client(s, "rm", "-f", s.name());
            if (deadline.passed()) {
                return java.util.Optional.of("container " + s.name() + " (its create was still under way after "
                        + TIMEOUT.toSeconds() + " s)");
            }
        }
    }

    private ShortCommand client(Suspect s, String... args) {
        return ShortCommand.run(s.client(), environment, CLIENT_TIMEOUT, args);
    }
}

package dev.pgroup.core;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What another user's build does, run as that user by {@link PortClaimsAcrossUsersTest}. Arguments:
 * base dir, database, first and last port, then one of
 *
 * <ul>
 *   <li>{@code lease GROUP N}: leases N ports without binding them, prints them on one line, then
 *       "ready", then holds the lease (and its JVM) until a line on stdin;
 *   <li>{@code lease-after-pause GROUP PATH}: leases one port, pausing after it lists the
 *       machine's claims until {@code PATH.go} exists; prints the port or "failed: " and why;
 *   <li>{@code race N}: says "ready", and on a line on stdin leases N single ports one after
 *       another, printing each, and exits (the claims stay for the pending window);
 *   <li>{@code detached DEFINITION}: creates and starts a detached group (as {@code pgroup create}
 *       and {@code pgroup start} do), prints its id and its ports, and exits, leaving it running;
 *   <li>{@code terminate ID}: terminates that group;
 *   <li>{@code try-terminate ID}: terminates that group, and prints "terminated" or "failed: " and why;
 *   <li>{@code hold DEFINITION}: creates and starts a group this JVM owns, prints its id, and
 *       holds it until killed;
 *   <li>{@code prune}: prunes, and prints each action ("action: ...") and each group still listed.
 * </ul>
 */
public final class UserClaimsChild {
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path database = Path.of(args[1]);
        int first = Integer.parseInt(args[2]);
        int last = Integer.parseInt(args[3]);
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(base)
                .database(database)
                .portRange(first, last)
                .build()) {
            switch (args[4]) {
                case "lease" -> {
                    List<String> names = new java.util.ArrayList<>();
                    for (int i = 0; i < Integer.parseInt(args[6]); i++) {
                        names.add("p" + i);
                    }
                    List<PortLeases.Lease> leases =
                            engine.leases().lease(args[5], Owner.DETACHED, Map.of("web", names));
                    System.out.println(
                            line(leases.stream().map(PortLeases.Lease::port).toList()));
                    System.out.println("ready");
                    System.out.flush();
                    System.in.read();
                }
                case "lease-after-pause" -> {
                    // One lease that pauses right after listing the machine's claims (see
                    // MachineClaims.TEST_PAUSE_AFTER_LISTING); prints its ports or why it failed.
                    System.setProperty(dev.pgroup.core.internal.state.MachineClaims.TEST_PAUSE_AFTER_LISTING, args[6]);
                    engine.list();
                    System.out.println("ready");
                    System.out.flush();
                    try {
                        System.out.println(line(
                                engine.leases().lease(args[5], Owner.DETACHED, Map.of("web", List.of("p"))).stream()
                                        .map(PortLeases.Lease::port)
                                        .toList()));
                    } catch (dev.pgroup.core.model.PGroupException e) {
                        System.out.println("failed: " + e.getMessage());
                    }
                }
                case "race" -> {
                    // Ready once the database is open; on "go", one single-port lease after another.
                    engine.list();
                    System.out.println("ready");
                    System.out.flush();
                    System.in.read();
                    for (int i = 0; i < Integer.parseInt(args[5]); i++) {
                        String group = "o" + i + "-oooooo";
                        System.out.println(engine.leases()
                                .lease(group, Owner.DETACHED, Map.of("web", List.of("p")))
                                .get(0)
                                .port());
                    }
                }
                case "detached" -> {
                    Group g = engine.create(
                            Path.of(args[5]), CreateOptions.defaults().withDetached(true));
                    g.start(Duration.ofSeconds(60));
                    System.out.println(g.id());
                    System.out.println(line(g.ports().values().stream()
                            .flatMap(m -> m.values().stream())
                            .toList()));
                    System.out.println("ready");
                }
                case "terminate" -> {
                    engine.terminate(args[5]);
                    System.out.println("ready");
                }
                case "try-terminate" -> {
                    // As terminate, but says how it went: "terminated", or "failed: " and the message.
                    try {
                        engine.terminate(args[5]);
                        System.out.println("terminated");
                    } catch (RuntimeException e) {
                        System.out.println("failed: " + e.getMessage().replace('\n', ' '));
                    }
                    System.out.println("ready");
                }
                case "hold" -> {
                    // A group this JVM owns: prints its id, then "ready", and holds it until killed.
                    Group g = engine.create(Path.of(args[5]));
                    g.start(Duration.ofSeconds(60));
                    System.out.println(g.id());
                    System.out.println("ready");
                    System.out.flush();
                    System.in.read();
                }
                case "prune" -> {
                    // Prunes this user's base dir; prints each action, then the groups still listed.
                    engine.prune().actions().forEach(a -> System.out.println("action: " + a.replace('\n', ' ')));
                    engine.list().forEach(g -> System.out.println("listed: " + g.id()));
                    System.out.println("ready");
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[4]);
            }
        }
    }

    private static String line(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}

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
 *   <li>{@code detached DEFINITION}: creates and starts a detached group (as {@code pgroup create}
 *       and {@code pgroup start} do), prints its id and its ports, and exits, leaving it running;
 *   <li>{@code terminate ID}: terminates that group.
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
                default -> throw new IllegalArgumentException("unknown mode " + args[4]);
            }
        }
    }

    private static String line(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}

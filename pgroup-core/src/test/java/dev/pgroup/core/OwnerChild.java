package dev.pgroup.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that owns groups, for tests that kill it. Arguments: base dir, database, definition dir,
 * group count, "start" or "create", and optionally "detached" (groups made as the CLI's create
 * makes them). Prints one manifest path per group, then "ready", then
 * waits to be killed (or, with "exit", terminates its groups and exits).
 */
public final class OwnerChild {
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path database = Path.of(args[1]);
        Path definition = Path.of(args[2]);
        int count = Integer.parseInt(args[3]);
        boolean start = args[4].equals("start");
        CreateOptions options = CreateOptions.defaults().withDetached(args.length > 5 && args[5].equals("detached"));
        PGroupEngine engine =
                PGroupEngine.builder().baseDir(base).database(database).build();
        java.util.List<Group> groups = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            Group g = engine.create(definition, options);
            groups.add(g);
            if (start) {
                g.start(Duration.ofSeconds(60));
            }
            System.out.println(g.manifestFile());
        }
        System.out.println("ready");
        System.out.flush();
        // Wait for the test: a line on stdin means "terminate and exit"; a kill means what it means.
        if (System.in.read() >= 0) {
            groups.forEach(Group::terminate);
            engine.close();
        }
    }
}

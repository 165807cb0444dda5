package dev.pgroup.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A JVM that creates groups from many threads at once, for {@link ConcurrentCreatesTest}.
 * Arguments: base dir, database, definition dir, threads, groups per thread. Prints "warm" once
 * its engine has opened the database, creates on the line "go", prints "port N" for every leased
 * port and "error ..." for every failure, then "done"; on the next line it terminates its groups
 * and exits.
 */
public final class CreatorChild {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(Path.of(args[0]))
                .database(Path.of(args[1]))
                .build()) {
            engine.list(); // SQLite loaded, schema there: the creates then race for the lock only
            System.out.println("warm");
            System.out.flush();
            if (!"go".equals(in.readLine())) {
                return;
            }
            List<Group> groups = new ArrayList<>();
            List<String> lines = createConcurrently(
                    engine, Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), groups);
            lines.forEach(System.out::println);
            System.out.println("done");
            System.out.flush();
            in.readLine();
            groups.forEach(Group::terminate);
        }
    }

    /**
     * Creates {@code threads * perThread} groups, adding each to {@code groups}; returns "port N"
     * for every leased port and "error ..." for every failed create. The caller terminates them.
     */
    static List<String> createConcurrently(
            PGroupEngine engine, Path definition, int threads, int perThread, List<Group> groups) throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<Group> made = Collections.synchronizedList(groups);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try {
                            Group g = engine.create(definition);
                            made.add(g);
                            g.ports().values().forEach(ports -> ports.values().forEach(p -> lines.add("port " + p)));
                        } catch (RuntimeException e) {
                            lines.add("error " + e);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return lines;
    }
}

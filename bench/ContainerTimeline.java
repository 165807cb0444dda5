import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a pgroup container process's start goes: for each round, create called, create returned,
 * and the daemon's own events for the container (create, attach, start, read from {@code docker
 * events} with nanosecond times), then start returned and the first PING answered, all as offsets
 * from create called, medians over the rounds. Run through bench/container-timeline.sh.
 */
public class ContainerTimeline {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path work = Files.createTempDirectory("pgroup-bench-timeline");
        Map<String, Map<String, Long>> events = new ConcurrentHashMap<>(); // name -> action -> epoch nanos
        Process watch = new ProcessBuilder(
                        "docker", "events", "--filter", "type=container", "--format",
                        "{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}}")
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ", 3);
                    if (f.length == 3) {
                        events.computeIfAbsent(f[2], k -> new ConcurrentHashMap<>())
                                .putIfAbsent(f[1].split(":")[0], Long.parseLong(f[0]));
                    }
                }
            } catch (IOException e) {
                // the watch ends with the bench
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(300); // docker events is connected once it printed nothing for a moment: no marker to wait on
        Map<String, List<Long>> offsets = new LinkedHashMap<>();
        Path container = Path.of("bench/containers/redis-container");
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .build()) {
            for (int i = -2; i < rounds; i++) {
                long t0 = epochNanos();
                Group group = engine.create(container);
                long created = epochNanos();
                group.start(Duration.ofSeconds(60));
                long started = epochNanos();
                ping(group.port("cache", "main"));
                long pinged = epochNanos();
                String name = group.id() + "-cache";
                group.stop();
                group.terminate();
                if (i < 0) {
                    continue; // warm-up
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!events.getOrDefault(name, Map.of()).containsKey("destroy") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Map<String, Long> e = events.getOrDefault(name, Map.of());
                add(offsets, "pgroup: create returned", created - t0);
                dockerRound(events, offsets);
                for (String action : List.of("create", "attach", "start")) {
                    if (e.containsKey(action)) {
                        add(offsets, "pgroup: daemon " + action, e.get(action) - t0);
                    }
                }
                add(offsets, "pgroup: start returned", started - t0);
                add(offsets, "pgroup: PING answered", pinged - t0);
                if (e.containsKey("start")) {
                    add(offsets, "pgroup: daemon start -> start returned", started - e.get("start"));
                    add(offsets, "pgroup: daemon start -> PING", pinged - e.get("start"));
                }
                if (e.containsKey("create")) {
                    add(offsets, "pgroup: create returned -> daemon create", e.get("create") - created);
                    add(offsets, "pgroup: daemon create -> start", e.get("start") - e.get("create"));
                }
            }
        } finally {
            watch.destroy();
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.out.printf("pgroup container start timeline: %d rounds, ms from create called (median / p90)%n", rounds);
        offsets.forEach((k, v) -> System.out.printf("  %-42s %7.1f / %7.1f%n", k, pct(v, 50), pct(v, 90)));
    }

    /** The same events of a plain {@code docker run -d -p} + PING, for comparison, in the same round. */
    static void dockerRound(Map<String, Map<String, Long>> events, Map<String, List<Long>> offsets) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String name = "pgroup-timeline-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        long t0 = epochNanos();
        Process p = new ProcessBuilder("docker", "run", "-d", "--rm", "--name", name, "-p", "127.0.0.1:" + port + ":6379",
                        "pgroup-test/redis:7", "redis-server", "--port", "6379", "--protected-mode", "no", "--save", "")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor();
        long returned = epochNanos();
        ping(port);
        long pinged = epochNanos();
        new ProcessBuilder("docker", "rm", "-f", name).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!events.getOrDefault(name, Map.of()).containsKey("destroy") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Map<String, Long> e = events.getOrDefault(name, Map.of());
        for (String action : List.of("create", "start")) {
            if (e.containsKey(action)) {
                add(offsets, "docker run -d: daemon " + action, e.get(action) - t0);
            }
        }
        add(offsets, "docker run -d: client returned", returned - t0);
        add(offsets, "docker run -d: PING answered", pinged - t0);
        if (e.containsKey("start")) {
            add(offsets, "docker run -d: daemon start -> PING", pinged - e.get("start"));
        }
    }

    static void add(Map<String, List<Long>> m, String k, long nanos) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(nanos);
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static double pct(List<Long> nanos, int p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * p / 100.0) - 1)) / 1e6;
    }

    static void ping(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                if ("+PONG".equals(line)) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no PONG on port " + port);
    }
}

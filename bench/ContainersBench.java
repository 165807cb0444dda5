import dev.pgroup.Manifest;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One redis, four ways, measured interleaved (each round runs every way once, in a rotating order,
 * so the machine's noise hits all alike):
 *
 * <ul>
 *   <li>a pgroup container process (bench/containers/redis-container): create + start, then PING;
 *   <li>a plain {@code docker run -d --rm -p 127.0.0.1:PORT:6379}, then PING polled until it answers
 *       (a TCP connect alone is answered by docker-proxy before redis listens);
 *   <li>Testcontainers' GenericContainer on the same image, then PING;
 *   <li>a pgroup local-binary process (bench/containers/redis-binary), the same way as the container.
 * </ul>
 *
 * "start" is from the first call to PING answered; "stop" from stop called to the container (or
 * process) gone. Then the memory (PSS) of what runs for one container process beside one binary
 * process. Run through bench/containers.sh.
 */
public class ContainersBench {
    static final String IMAGE = "pgroup-test/redis:7";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path work = Files.createTempDirectory("pgroup-bench-containers");
        Map<String, List<Long>> start = new LinkedHashMap<>(), stop = new LinkedHashMap<>();
        List<String> ways = List.of("pgroup container", "docker run + poll", "Testcontainers", "pgroup binary");
        ways.forEach(w -> {
            start.put(w, new ArrayList<>());
            stop.put(w, new ArrayList<>());
        });
        Path container = Path.of("bench/containers/redis-container");
        Path binary = Path.of("bench/containers/redis-binary");
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .build()) {
            Map<String, Supplier<long[]>> round = new LinkedHashMap<>();
            round.put(ways.get(0), () -> pgroupRound(engine, container));
            round.put(ways.get(1), () -> dockerRound());
            round.put(ways.get(2), () -> testcontainersRound());
            round.put(ways.get(3), () -> pgroupRound(engine, binary));
            for (int i = 0; i < 2; i++) { // warm-up: JIT, the page cache, docker-java's connection
                round.values().forEach(Supplier::get);
            }
            for (int i = 0; i < rounds; i++) {
                for (int k = 0; k < ways.size(); k++) {
                    String way = ways.get((i + k) % ways.size());
                    long[] t = round.get(way).get();
                    start.get(way).add(t[0]);
                    stop.get(way).add(t[1]);
                }
            }
            System.out.printf("pgroup containers bench: %d rounds, one redis, times in ms (median / p95)%n", rounds);
            for (String way : ways) {
                row(way + " start->PING", start.get(way));
                row(way + " stop->gone", stop.get(way));
            }
            String c = ways.get(0), d = ways.get(1), tc = ways.get(2), b = ways.get(3);
            System.out.printf(
                    "ratio start pgroup container / docker run: %.2f (target <= 1.2)%n",
                    median(start.get(c)) / median(start.get(d)));
            System.out.printf(
                    "ratio start pgroup container / Testcontainers: %.2f (target < 1)%n",
                    median(start.get(c)) / median(start.get(tc)));
            System.out.printf(
                    "ratio stop pgroup container / docker stop: %.2f%n", median(stop.get(c)) / median(stop.get(d)));
            System.out.printf(
                    "ratio stop pgroup container / Testcontainers: %.2f%n", median(stop.get(c)) / median(stop.get(tc)));
            System.out.printf(
                    "ratio start pgroup container / pgroup binary: %.2f%n", median(start.get(c)) / median(start.get(b)));
            memory(engine, container, binary);
        } finally {
            deleteTree(work);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** create + start + PING, then stop (which returns once the container is removed). */
    static long[] pgroupRound(PGroupEngine engine, Path definition) {
        long t0 = System.nanoTime();
        Group group = engine.create(definition);
        group.start(Duration.ofSeconds(60));
        ping(group.port("cache", "main"));
        long t1 = System.nanoTime();
        group.stop();
        long t2 = System.nanoTime();
        group.terminate();
        return new long[] {t1 - t0, t2 - t1};
    }

    static long[] dockerRound() {
        try {
            int port = freePort();
            String name = "pgroup-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            long t0 = System.nanoTime();
            run("docker", "run", "-d", "--rm", "--name", name, "-p", "127.0.0.1:" + port + ":6379", IMAGE,
                    "redis-server", "--port", "6379", "--protected-mode", "no", "--save", "");
            ping(port);
            long t1 = System.nanoTime();
            run("docker", "stop", name);
            // --rm removes it after the stop returned: gone is when inspect no longer finds it.
            while (new ProcessBuilder("docker", "inspect", "--format", "{{.Id}}", name)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0) {
                Thread.sleep(1);
            }
            long t2 = System.nanoTime();
            return new long[] {t1 - t0, t2 - t1};
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("resource")
    static long[] testcontainersRound() {
        long t0 = System.nanoTime();
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withCommand("redis-server", "--port", "6379", "--protected-mode", "no", "--save", "")
                .withExposedPorts(6379);
        redis.start();
        ping(redis.getMappedPort(6379));
        long t1 = System.nanoTime();
        redis.stop(); // kills and removes the container
        long t2 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1};
    }

    /** Polls PING until redis answers +PONG. */
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

    /**
     * PSS of what runs for one process, container and binary. A container process is its engine
     * client (what runit supervises), the containerd shim, docker-proxy, and inside docker-init and
     * redis; a binary is its runsv, svlogd and redis. Each also has a runsv and svlogd of its own
     * (the container's client is supervised the same way).
     */
    static void memory(PGroupEngine engine, Path container, Path binary) throws Exception {
        Group c = engine.create(container);
        Group b = engine.create(binary);
        try {
            c.start(Duration.ofSeconds(60));
            b.start(Duration.ofSeconds(60));
            Manifest cm = Manifest.read(c.manifestFile());
            Manifest bm = Manifest.read(b.manifestFile());
            long client = cm.process("cache").orElseThrow().pid();
            String name = c.id() + "-cache";
            String id = output("docker", "inspect", "--format", "{{.Id}}", name).strip();
            long init = Long.parseLong(output("docker", "inspect", "--format", "{{.State.Pid}}", name).strip());
            int port = c.port("cache", "main");
            Map<String, Long> cParts = new LinkedHashMap<>();
            cParts.put("engine client (docker run)", pss(client));
            cParts.put("containerd shim", sumPss(cmd -> cmd.contains("containerd-shim") && cmd.contains(id)));
            cParts.put("docker-proxy", sumPss(cmd -> cmd.contains("docker-proxy") && cmd.contains("-host-port " + port)));
            cParts.put("runsv + svlogd", pss(ProcessHandle.of(client).flatMap(ProcessHandle::parent).orElseThrow())
                    + svlogd(c.directory().resolve("cache")));
            long inside = pss(init);
            for (ProcessHandle h : ProcessHandle.of(init).orElseThrow().descendants().toList()) {
                inside += pss(h.pid());
            }
            cParts.put("in the container (docker-init + redis)", inside);
            long redis = bm.process("cache").orElseThrow().pid();
            Map<String, Long> bParts = new LinkedHashMap<>();
            bParts.put("redis-server", pss(redis));
            bParts.put("runsv + svlogd", pss(ProcessHandle.of(redis).flatMap(ProcessHandle::parent).orElseThrow())
                    + svlogd(b.directory().resolve("cache")));
            System.out.println("memory (PSS, KiB) per process:");
            print("pgroup container process", cParts);
            print("pgroup binary process", bParts);
            long overhead = cParts.get("engine client (docker run)") + cParts.get("containerd shim")
                    + cParts.get("docker-proxy");
            System.out.printf("  container overhead (client + shim + proxy): %d KiB beside the binary's supervision"
                    + " (runsv + svlogd) of %d KiB%n", overhead, bParts.get("runsv + svlogd"));
        } finally {
            c.terminate();
            b.terminate();
        }
    }

    static long svlogd(Path serviceDir) throws IOException {
        String[] stat = Files.readString(serviceDir.resolve("log/supervise/pid")).strip().split("\\s+");
        return pss(Long.parseLong(stat[0]));
    }

    static void print(String what, Map<String, Long> parts) {
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("  %s: %d KiB%n", what, total);
        parts.forEach((k, v) -> System.out.printf("    %-42s %6d%n", k, v));
    }

    static long sumPss(java.util.function.Predicate<String> command) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(command::test).orElse(false))
                .mapToLong(h -> pss(h.pid()))
                .sum();
    }

    static long pss(ProcessHandle h) {
        return pss(h.pid());
    }

    static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void row(String name, List<Long> nanos) {
        System.out.printf("  %-32s %8.1f / %8.1f%n", name, median(nanos), p95(nanos));
    }

    static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }

    static double p95(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get((int) Math.ceil(s.size() * 0.95) - 1) / 1e6;
    }
}

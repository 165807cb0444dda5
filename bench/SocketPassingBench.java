import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Time from start() called to the first successful HTTP response, for lighttpd with its socket
 * passed by pgroup (examples/socket-passing/lighttpd: ready at once) against the same lighttpd
 * binding its own port with a ready = { tcp = "http" } check. Create and terminate are not timed.
 * Rounds alternate between the two so that the machine's noise hits both alike. Prints medians,
 * p95 and the ratio.
 *
 * Run through bench/socket-passing.sh.
 */
public class SocketPassingBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path passed = Path.of(args.length > 1 ? args[1] : "examples/socket-passing/lighttpd").toAbsolutePath();
        Path work = Files.createTempDirectory("pgroup-bench-socket");
        Path tcp = tcpVariant(passed, work.resolve("lighttpd-tcp"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/usr/local/sbin");
        List<Long> passedTimes = new ArrayList<>(), tcpTimes = new ArrayList<>();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .environment(env)
                .build()) {
            for (int i = 0; i < 3; i++) { // warm-up: JIT, page cache for lighttpd and perl
                round(engine, passed);
                round(engine, tcp);
            }
            for (int i = 0; i < rounds; i++) {
                passedTimes.add(round(engine, passed));
                tcpTimes.add(round(engine, tcp));
            }
        }
        try (var files = Files.walk(work)) { // the groups are terminated; their database and dirs go too
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        System.out.printf("pgroup socket passing bench: %d rounds, lighttpd, start() called -> first HTTP 200, ms (median / p95)%n", rounds);
        row("socket passed (ready at once)", passedTimes);
        row("own bind + ready = { tcp }", tcpTimes);
        System.out.printf("ratio tcp-check/socket-passed (median): %.2f%n", median(tcpTimes) / median(passedTimes));
        System.out.printf("ratio socket-passed/tcp-check (median): %.2f (issue 12's target: <= 0.7)%n",
                median(passedTimes) / median(tcpTimes));
        // Each passed round and the tcp round right after it saw about the same machine: the median
        // of their ratios resists load that drifts during the run better than a ratio of medians.
        List<Long> paired = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            paired.add(Math.round(1e6 * passedTimes.get(i) / (double) tcpTimes.get(i)));
        }
        System.out.printf("ratio socket-passed/tcp-check (median of per-round ratios): %.2f%n", median(paired));
    }

    /** The same lighttpd, binding its own port, with a tcp ready check instead of socket passing. */
    private static Path tcpVariant(Path passed, Path dir) throws IOException {
        Files.createDirectories(dir.resolve("www"));
        Files.copy(passed.resolve("lighttpd.conf"), dir.resolve("lighttpd.conf"));
        Files.copy(passed.resolve("www/index.html"), dir.resolve("www/index.html"));
        // Without LISTEN_FDS, lighttpd ignores server.systemd-socket-activation and binds itself.
        Files.writeString(dir.resolve("group.toml"), """
                name = "lighttpd-tcp"
                [[process]]
                name = "web"
                command = ["lighttpd", "-D", "-f", "{{process.dir}}/lighttpd.conf"]
                ports = ["http"]
                ready = { tcp = "http" }
                templates = ["lighttpd.conf", "www/index.html"]
                """);
        return dir;
    }

    /** One round: create, then time start() plus one GET (no retry), then terminate. */
    private static long round(PGroupEngine engine, Path definition) throws IOException {
        try (Group group = engine.create(definition)) {
            int port = group.port("web", "http");
            long begin = System.nanoTime();
            group.start(Duration.ofSeconds(30));
            String status = get(port);
            long took = System.nanoTime() - begin;
            if (!status.startsWith("HTTP/1.0 200")) {
                throw new IllegalStateException(definition + ": first request got " + status);
            }
            return took;
        }
    }

    private static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int eol = response.indexOf("\r\n");
            return eol < 0 ? response : response.substring(0, eol);
        }
    }

    private static void row(String name, List<Long> nanos) {
        System.out.printf("  %-32s %8.2f / %8.2f%n", name, median(nanos), p95(nanos));
    }

    private static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        int n = s.size();
        return (n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0) / 1e6;
    }

    private static double p95(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.95) - 1)) / 1e6;
    }
}

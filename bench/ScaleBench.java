import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * N groups of 3 {@code sleep} processes at once, for each N given: pgroup against two baselines
 * over the same processes, interleaved in one run (the order of the three rotates every round):
 *
 * <ul>
 *   <li><b>pgroup</b>: create + start of every group from a pool of threads (ready), then stop +
 *       terminate of every group (gone);
 *   <li><b>runit</b>: the same service dirs (rendered by pgroup's create, untimed, and backdated
 *       2 s as pgroup does, so runsvdir does not sleep its 1 s), {@code runsvdir -P} launched
 *       directly and {@code supervise/stat} polled until every service reads {@code run}; gone:
 *       one {@code kill -HUP} to all runsvdirs and a poll until every process of their trees has
 *       exited; "gone + rm" adds the {@code rm -rf} of those service dirs that a runit user's
 *       teardown runs next, and that pgroup's terminate does (one rm per core), for a like-for-like
 *       figure beside the issue's;
 *   <li><b>supervisord</b> (Debian's): one config per group, {@code supervisord -c} (it
 *       daemonizes), its XML-RPC {@code getAllProcessInfo} polled over its unix socket until the 3
 *       programs are RUNNING (what {@code supervisorctl status} asks; spawning supervisorctl, a
 *       python, per poll would cost more than supervisord itself); gone: {@code supervisor.shutdown}
 *       (what {@code supervisorctl shutdown} sends) and a poll until its tree has exited.
 *       {@code startsecs=0}, so RUNNING means started, as runit's {@code run} does.
 * </ul>
 *
 * <p>Between ready and stop every mode holds its groups for the same time (default 1.5 s), so that
 * runsv's 1 s back-off for young services does not land on the runit baseline's stop. Measured per
 * trial: ready and gone wall time; CPU seconds of this JVM and of every process it caused (run
 * under bench/subreaper.pl, which reaps the orphans, so their CPU time is counted); PSS per group of
 * the supervision tree at ready (watchdog, runsvdir, runsv, svlogd; supervisord), services
 * excluded; the JVM heap at ready and retained after a GC. Then the per-test overhead: create +
 * start + stop + terminate of a group of two redis-servers and a sleep in a warm JVM, against a
 * bare ProcessBuilder start of the same processes (interleaved, medians).
 *
 * <p>Run through bench/scale.sh.
 */
public class ScaleBench {
    static final Duration DEADLINE = Duration.ofMinutes(5);

    enum Mode {
        PGROUP,
        RUNIT,
        SUPERVISORD;

        String label() {
            return name().toLowerCase();
        }
    }

    /** One trial: N groups of one mode, up and gone. */
    record Trial(
            Mode mode,
            int n,
            double readySec,
            double goneSec,
            double goneDeletedSec,
            double cpuSec,
            double pssKbPerGroup,
            int treeProcesses,
            double heapReadyMb,
            double heapRetainedKbPerGroup,
            int leftAfterGone,
            int processesOnMachine) {}

    final Map<String, String> args;
    final Path work;
    final PGroupEngine engine;
    final Path sleeps;
    final ExecutorService pool;
    final Duration hold;
    int supervisordRuns;

    ScaleBench(Map<String, String> args, Path work, PGroupEngine engine) throws IOException {
        this.args = args;
        this.work = work;
        this.engine = engine;
        this.sleeps = definition("sleeps", List.of("a", "b", "c"), false);
        this.pool = Executors.newFixedThreadPool(Integer.parseInt(args.getOrDefault("threads", "16")));
        this.hold = Duration.ofMillis((long) (Double.parseDouble(args.getOrDefault("hold", "1.5")) * 1000));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + a);
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path work = Files.createTempDirectory("pgroup-scale");
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("db").resolve("pgroup.db"))
                .build()) {
            ScaleBench bench = new ScaleBench(args, work, engine);
            try {
                bench.run();
            } finally {
                bench.pool.shutdownNow();
            }
        } finally {
            deleteTree(work);
        }
    }

    void run() throws Exception {
        String label = args.getOrDefault("label", "run");
        List<Integer> sizes = Stream.of(args.getOrDefault("sizes", "50").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "1"));
        List<Mode> modes = Stream.of(args.getOrDefault("modes", "pgroup,runit,supervisord").split(","))
                .map(m -> Mode.valueOf(m.trim().toUpperCase()))
                .toList();
        System.out.printf(
                "== scale bench (%s): %d process(es) on the machine, %d cores, %s threads, hold %.1f s, %d round(s),"
                        + " CPU %s%n",
                label,
                ProcessHandle.allProcesses().count(),
                Runtime.getRuntime().availableProcessors(),
                args.getOrDefault("threads", "16"),
                hold.toMillis() / 1e3,
                rounds,
                Cpu.available() ? "of this JVM and every process it caused" : "n/a (run through bench/scale.sh)");
        // Warm-up: the JIT, SQLite's native library, the page cache of every binary involved.
        for (Mode m : modes) {
            trial(m, 3);
        }
        List<Trial> trials = new ArrayList<>();
        System.out.printf("  %-5s %-12s %8s %8s %9s %8s %10s %6s %9s %11s %5s %6s%n",
                "N", "mode", "ready s", "gone s", "+ rm s", "cpu s", "PSS/group", "procs", "heap MB", "heap/group", "left",
                "on box");
        for (int r = 0; r < rounds; r++) {
            for (int n : sizes) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode m = modes.get((i + r) % modes.size());
                    Trial t = trial(m, n);
                    trials.add(t);
                    System.out.printf("  %-5d %-12s %8.2f %8.2f %9.2f %8.2f %7.0f KB %6d %9.1f %8.1f KB %5d %6d%n",
                            n, m.label(), t.readySec(), t.goneSec(), t.goneDeletedSec(), t.cpuSec(), t.pssKbPerGroup(),
                            t.treeProcesses(), t.heapReadyMb(), t.heapRetainedKbPerGroup(), t.leftAfterGone(),
                            t.processesOnMachine());
                }
            }
        }
        summary(label, sizes, modes, trials);
        int overheadRounds = Integer.parseInt(args.getOrDefault("overhead", "20"));
        if (overheadRounds > 0) {
            overhead(label, overheadRounds);
        }
    }

    Trial trial(Mode mode, int n) throws Exception {
        return switch (mode) {
            case PGROUP -> pgroup(n);
            case RUNIT -> runit(n);
            case SUPERVISORD -> supervisord(n);
        };
    }

    // ---- pgroup ------------------------------------------------------------------------------

    Trial pgroup(int n) throws Exception {
        double heap0 = heapAfterGcMb();
        double cpu0 = Cpu.seconds();
        long t0 = System.nanoTime();
        List<Group> groups = all(n, i -> {
            Group g = engine.create(sleeps);
            try {
                g.start(DEADLINE);
                return g;
            } catch (RuntimeException e) {
                g.terminate();
                throw e;
            }
        }, g -> g.terminate());
        long ready = System.nanoTime();
        double heapReady = heapMb();
        Snapshot snap = Snapshot.take();
        // The groups' watchdogs, each with runsvdir and the rest below it, are the children of this
        // JVM's watchdog launcher (or, before it, of this JVM). The launcher is the JVM's, not a
        // group's: it stays, and its PSS is shared out over the groups.
        List<Long> roots = new ArrayList<>();
        List<Long> launchers = new ArrayList<>();
        for (long child : snap.childrenOf(ProcessHandle.current().pid())) {
            if (Snapshot.isWatchdogLauncher(child)) {
                launchers.add(child);
                roots.addAll(snap.childrenOf(child));
            } else {
                roots.add(child);
            }
        }
        if (roots.size() != n) {
            System.out.printf("  (pgroup: %d watchdogs for %d groups)%n", roots.size(), n);
        }
        Tree tree = snap.tree(roots);
        double pss = (tree.pssKb() + new Tree(launchers, List.of()).pssKb()) / n;
        double heapRetained = (heapAfterGcMb() - heap0) * 1024 / n;
        holdFrom(ready);
        long stop = System.nanoTime();
        all(groups.size(), i -> {
            Group g = groups.get(i);
            g.stop();
            g.terminate();
            return g;
        }, g -> {});
        long gone = System.nanoTime();
        int left = tree.alive();
        tree.awaitReaped();
        double cpu = Cpu.seconds() - cpu0;
        return new Trial(Mode.PGROUP, n, sec(ready - t0), sec(gone - stop), sec(gone - stop), cpu, pss, tree.size(),
                heapReady, heapRetained, left, snap.size());
    }

    // ---- runit alone -------------------------------------------------------------------------

    Trial runit(int n) throws Exception {
        // Untimed: the same service dirs pgroup runs, rendered by its create and never started by it.
        List<Group> groups = all(n, i -> engine.create(sleeps), Group::terminate);
        try {
            List<Path> services = new ArrayList<>();
            for (Group g : groups) {
                Files.setLastModifiedTime(g.directory(), FileTime.fromMillis(System.currentTimeMillis() - 2000));
                g.processes().forEach(p -> services.add(g.directory().resolve(p)));
            }
            double heap0 = heapAfterGcMb();
            double cpu0 = Cpu.seconds();
            long t0 = System.nanoTime();
            List<Process> runsvdirs = all(n, i -> new ProcessBuilder("runsvdir", "-P", groups.get(i).directory().toString())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true)
                    .start(), Process::destroyForcibly);
            try {
                awaitAll(services, ScaleBench::runs, "runit services to read run in supervise/stat");
            } catch (RuntimeException e) {
                hup(runsvdirs); // runsvdir TERMs its runsv, each runsv its service and logger
                throw e;
            }
            long ready = System.nanoTime();
            double heapReady = heapMb();
            Snapshot snap = Snapshot.take();
            Tree tree = snap.tree(runsvdirs.stream().map(Process::pid).toList());
            double pss = tree.pssKb() / n;
            double heapRetained = (heapAfterGcMb() - heap0) * 1024 / n;
            holdFrom(ready);
            long stop = System.nanoTime();
            hup(runsvdirs);
            tree.awaitGone();
            long gone = System.nanoTime();
            removeDirs(groups.stream().map(Group::directory).toList());
            long deleted = System.nanoTime();
            tree.awaitReaped();
            double cpu = Cpu.seconds() - cpu0;
            return new Trial(Mode.RUNIT, n, sec(ready - t0), sec(gone - stop), sec(deleted - stop), cpu, pss, tree.size(),
                    heapReady, heapRetained, 0, snap.size());
        } finally {
            all(groups.size(), i -> {
                groups.get(i).terminate();
                return null;
            }, x -> {});
        }
    }

    /**
     * What a runit user's teardown does after the stop, and what pgroup's terminate does too: the
     * service dirs deleted, by {@code rm -rf}, one per core over a share of the dirs each. The groups
     * are terminated afterwards, untimed, with nothing left to delete.
     */
    static void removeDirs(List<Path> dirs) throws IOException, InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Process> rms = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            List<String> rm = new ArrayList<>(List.of("rm", "-rf", "--"));
            for (int i = c; i < dirs.size(); i += cores) {
                rm.add(dirs.get(i).toString());
            }
            if (rm.size() > 3) {
                rms.add(new ProcessBuilder(rm).inheritIO().start());
            }
        }
        for (Process p : rms) {
            if (p.waitFor() != 0) {
                throw new IOException("rm -rf of the runit baseline's service dirs failed: exit " + p.exitValue());
            }
        }
    }

    /** One {@code kill -HUP} for all: the JDK can send only TERM and KILL, and runsvdir exits on TERM alone. */
    static void hup(List<Process> runsvdirs) throws IOException, InterruptedException {
        List<String> kill = new ArrayList<>(List.of("kill", "-HUP"));
        runsvdirs.forEach(p -> kill.add(Long.toString(p.pid())));
        new ProcessBuilder(kill).inheritIO().start().waitFor();
    }

    static boolean runs(Path service) {
        try {
            return Files.readString(service.resolve("supervise").resolve("stat")).startsWith("run");
        } catch (IOException e) {
            return false; // runsv has not written it yet
        }
    }

    // ---- supervisord -------------------------------------------------------------------------

    Trial supervisord(int n) throws Exception {
        Path root = Files.createDirectories(work.resolve("supervisord-" + supervisordRuns++));
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dir = Files.createDirectories(root.resolve(Integer.toString(i)));
            Files.createDirectories(dir.resolve("logs"));
            StringBuilder conf = new StringBuilder()
                    .append("[unix_http_server]\nfile=").append(dir.resolve("s.sock")).append('\n')
                    .append("[supervisord]\nlogfile=").append(dir.resolve("supervisord.log"))
                    .append("\npidfile=").append(dir.resolve("supervisord.pid"))
                    .append("\nchildlogdir=").append(dir.resolve("logs"))
                    .append("\ndirectory=").append(dir).append('\n')
                    .append("[rpcinterface:supervisor]\n")
                    .append("supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n")
                    .append("[supervisorctl]\nserverurl=unix://").append(dir.resolve("s.sock")).append('\n');
            for (String p : List.of("a", "b", "c")) {
                conf.append("[program:").append(p).append("]\ncommand=sleep 100000\nstartsecs=0\n")
                        .append("redirect_stderr=true\nstdout_logfile=").append(dir.resolve("logs").resolve(p + ".log"))
                        .append('\n');
            }
            Files.writeString(dir.resolve("supervisord.conf"), conf);
            dirs.add(dir);
        }
        Tree tree = null;
        try {
            double heap0 = heapAfterGcMb();
            double cpu0 = Cpu.seconds();
            long t0 = System.nanoTime();
            all(n, i -> {
                Process p = new ProcessBuilder("supervisord", "-c", dirs.get(i).resolve("supervisord.conf").toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true)
                        .start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("supervisord -c failed in " + dirs.get(i));
                }
                return p;
            }, p -> {});
            awaitAll(dirs, ScaleBench::supervisordRunning, "supervisord programs to be RUNNING");
            long ready = System.nanoTime();
            double heapReady = heapMb();
            Snapshot snap = Snapshot.take();
            List<Long> daemons = new ArrayList<>();
            for (Path dir : dirs) {
                daemons.add(Long.parseLong(Files.readString(dir.resolve("supervisord.pid")).trim()));
            }
            tree = snap.tree(daemons);
            double pss = tree.pssKb() / n;
            double heapRetained = (heapAfterGcMb() - heap0) * 1024 / n;
            holdFrom(ready);
            long stop = System.nanoTime();
            all(n, i -> xmlRpc(dirs.get(i), "supervisor.shutdown"), x -> {});
            tree.awaitGone();
            long gone = System.nanoTime();
            tree.awaitReaped();
            double cpu = Cpu.seconds() - cpu0;
            return new Trial(Mode.SUPERVISORD, n, sec(ready - t0), sec(gone - stop), Double.NaN, cpu, pss,
                    tree.size(), heapReady, heapRetained, 0, snap.size());
        } finally {
            // Whatever failed above: no supervisord outlives the bench.
            for (Path dir : dirs) {
                try {
                    long pid = Long.parseLong(Files.readString(dir.resolve("supervisord.pid")).trim());
                    ProcessHandle.of(pid)
                            .filter(h -> h.info().commandLine().orElse("").contains(dir.toString()))
                            .ifPresent(ProcessHandle::destroy);
                } catch (IOException | RuntimeException ignored) {
                    // never started, or gone
                }
            }
            deleteTree(root);
        }
    }

    static final Pattern RUNNING = Pattern.compile("statename</name>\\s*<value><string>RUNNING</string>");

    static boolean supervisordRunning(Path dir) {
        try {
            Matcher m = RUNNING.matcher(xmlRpc(dir, "supervisor.getAllProcessInfo"));
            int running = 0;
            while (m.find()) {
                running++;
            }
            return running == 3;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** One XML-RPC call without arguments over supervisord's unix socket; the response body. */
    static String xmlRpc(Path dir, String method) throws IOException {
        String body = "<?xml version=\"1.0\"?><methodCall><methodName>" + method
                + "</methodName><params></params></methodCall>";
        String request = "POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    // ---- per-test overhead -------------------------------------------------------------------

    void overhead(String label, int rounds) throws Exception {
        Path def = definition("overhead", List.of("redis-a", "redis-b", "sleeper"), true);
        List<Long> create = new ArrayList<>(), start = new ArrayList<>(), stop = new ArrayList<>(),
                terminate = new ArrayList<>(), group = new ArrayList<>(), bare = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            groupRound(def);
            bareRound(i);
        }
        for (int i = 0; i < rounds; i++) {
            long[] b = null, g = null;
            if (i % 2 == 0) {
                g = groupRound(def);
                b = bareRound(i);
            } else {
                b = bareRound(i);
                g = groupRound(def);
            }
            create.add(g[0]);
            start.add(g[1]);
            stop.add(g[2]);
            terminate.add(g[3]);
            group.add(g[0] + g[1] + g[2] + g[3]);
            bare.add(b[0]);
        }
        System.out.printf("== per-test overhead (%s): %d rounds, a group of 2 redis-servers + 1 sleep, ms"
                + " (median / p95 / max)%n", label, rounds);
        row("create", create);
        row("start (ready)", start);
        row("stop", stop);
        row("terminate", terminate);
        row("group lifecycle", group);
        row("bare ProcessBuilder", bare);
        System.out.printf("  overhead (median group - median bare): %.1f ms (target <= 30); stop max %.0f ms"
                + " (runsv's back-off would be >= 1000)%n", median(group) - median(bare), max(stop));
    }

    long[] groupRound(Path def) {
        long t0 = System.nanoTime();
        Group g = engine.create(def);
        long t1 = System.nanoTime();
        try {
            g.start(DEADLINE);
        } catch (RuntimeException e) {
            g.terminate();
            throw e;
        }
        long t2 = System.nanoTime();
        g.stop();
        long t3 = System.nanoTime();
        g.terminate();
        long t4 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
    }

    /** The same three processes by ProcessBuilder: both redis accept on TCP, then all are TERMed and reaped. */
    long[] bareRound(int i) throws Exception {
        Path dir = Files.createDirectories(work.resolve("bare-" + i + "-" + System.nanoTime()));
        int a = freePort(), b = freePort();
        long t0 = System.nanoTime();
        List<Process> ps = List.of(redis(dir, "a", a), redis(dir, "b", b),
                new ProcessBuilder("sleep", "3600").directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sleep.log").toFile()).start());
        awaitTcp(a);
        awaitTcp(b);
        ps.forEach(Process::destroy);
        for (Process p : ps) {
            p.waitFor();
        }
        long t1 = System.nanoTime();
        deleteTree(dir);
        return new long[] {t1 - t0};
    }

    static Process redis(Path dir, String name, int port) throws IOException {
        return new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", dir.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    static void awaitTcp(int port) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        throw new IllegalStateException("port " + port + " never accepted");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A group.toml of the given processes: {@code sleep}s, or redis-servers with a TCP ready check. */
    Path definition(String name, List<String> processes, boolean redis) throws IOException {
        Path def = Files.createDirectories(work.resolve("def-" + name));
        StringBuilder toml = new StringBuilder("name = \"" + name + "\"\n");
        for (String p : processes) {
            toml.append("[[process]]\nname = \"").append(p).append("\"\n");
            if (redis && p.startsWith("redis")) {
                toml.append("command = [\"redis-server\", \"--port\", \"{{port.main}}\", \"--bind\", \"127.0.0.1\","
                        + " \"--save\", \"\", \"--appendonly\", \"no\", \"--dir\", \"{{process.dir}}\"]\n"
                        + "ports = [\"main\"]\nready = { tcp = \"main\" }\n");
            } else {
                toml.append("command = [\"sleep\", \"100000\"]\n");
            }
        }
        Files.writeString(def.resolve("group.toml"), toml);
        return def;
    }

    interface Step<T> {
        T run(int i) throws Exception;
    }

    interface Undo<T> {
        void undo(T t) throws Exception;
    }

    /** Runs step 0..n-1 on the pool; if any fails, undoes the ones that worked and throws. */
    <T> List<T> all(int n, Step<T> step, Undo<T> undo) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit((Callable<T>) () -> step.run(k)));
        }
        List<T> out = new ArrayList<>();
        Exception failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception c ? c : e;
                }
            }
        }
        if (failure != null) {
            for (T t : out) {
                try {
                    undo.undo(t);
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
        return out;
    }

    interface Check<T> {
        boolean done(T t);
    }

    /** Polls every item until each is done, rounds 2 ms apart, on a deadline. */
    static <T> void awaitAll(List<T> items, Check<T> check, String what) {
        List<T> todo = new ArrayList<>(items);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!todo.isEmpty()) {
            todo.removeIf(check::done);
            if (todo.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ": " + todo.size() + " left, e.g. "
                        + todo.get(0));
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    void holdFrom(long readyNanos) {
        long until = readyNanos + hold.toNanos();
        for (long now = System.nanoTime(); now < until; now = System.nanoTime()) {
            LockSupport.parkNanos(until - now);
        }
    }

    static double heapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    static double heapAfterGcMb() {
        System.gc();
        return heapMb();
    }

    static double sec(long nanos) {
        return nanos / 1e9;
    }

    /** Medians over rounds, and the ratios of pgroup's medians to each baseline's. */
    static void summary(String label, List<Integer> sizes, List<Mode> modes, List<Trial> trials) {
        System.out.printf("== ratios (%s), medians over rounds: pgroup / baseline (target <= 1.3 for ready and gone"
                + " against runit)%n", label);
        // "gone + rm": pgroup's stop + terminate against the baseline's stop followed by an rm -rf of
        // the same service dirs, which terminate deletes and runit's stop alone leaves.
        System.out.printf("  %-5s %-12s %8s %8s %8s %10s %10s%n", "N", "baseline", "ready", "gone", "cpu", "PSS",
                "gone + rm");
        for (int n : sizes) {
            Map<Mode, double[]> med = new HashMap<>();
            for (Mode m : modes) {
                List<Trial> ts = trials.stream().filter(t -> t.mode() == m && t.n() == n).toList();
                med.put(m, new double[] {
                    medianD(ts.stream().map(Trial::readySec).toList()),
                    medianD(ts.stream().map(Trial::goneSec).toList()),
                    medianD(ts.stream().map(Trial::cpuSec).toList()),
                    medianD(ts.stream().map(Trial::pssKbPerGroup).toList()),
                    medianD(ts.stream().map(Trial::goneDeletedSec).toList())
                });
            }
            double[] pg = med.get(Mode.PGROUP);
            if (pg == null) {
                continue;
            }
            for (Mode base : List.of(Mode.RUNIT, Mode.SUPERVISORD)) {
                double[] b = med.get(base);
                if (b != null) {
                    System.out.printf("  %-5d %-12s %7.2fx %7.2fx %7.2fx %9.2fx %s%n",
                            n, base.label(), pg[0] / b[0], pg[1] / b[1], pg[2] / b[2], pg[3] / b[3],
                            Double.isNaN(b[4]) ? "         -" : String.format("%9.2fx", pg[4] / b[4]));
                }
            }
        }
    }

    static void row(String name, List<Long> nanos) {
        System.out.printf("  %-20s %8.1f / %8.1f / %8.1f%n", name, median(nanos), p95(nanos), max(nanos));
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

    static double max(List<Long> nanos) {
        return Collections.max(nanos) / 1e6;
    }

    static double medianD(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}

/** One look at the process table: who is whose child, and what each runs. */
final class Snapshot {
    private final Map<Long, List<Long>> children = new HashMap<>();
    private final Map<Long, String> commands = new HashMap<>();

    static Snapshot take() {
        Snapshot s = new Snapshot();
        ProcessHandle.allProcesses().forEach(p -> {
            p.parent().ifPresent(parent -> s.children.computeIfAbsent(parent.pid(), k -> new ArrayList<>())
                    .add(p.pid()));
            s.commands.put(p.pid(), p.info().command().orElse(""));
        });
        return s;
    }

    int size() {
        return commands.size();
    }

    /** pgroup's watchdog launcher (one per JVM), by its command line. */
    static boolean isWatchdogLauncher(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .contains("watchdog-launcher.pl");
        } catch (IOException e) {
            return false;
        }
    }

    List<Long> childrenOf(long pid) {
        return children.getOrDefault(pid, List.of());
    }

    /** The roots and all their descendants. */
    Tree tree(List<Long> roots) {
        List<Long> all = new ArrayList<>();
        List<Long> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            all.add(p);
            todo.addAll(childrenOf(p));
        }
        List<Long> services = all.stream().filter(p -> commands.getOrDefault(p, "").endsWith("/sleep")).toList();
        return new Tree(all, services);
    }
}

/** The processes of a trial's groups: supervision and services. */
record Tree(List<Long> pids, List<Long> services) {
    int size() {
        return pids.size();
    }

    /** PSS of the supervision processes (services excluded), from /proc/<pid>/smaps_rollup; NaN elsewhere. */
    double pssKb() {
        double sum = 0;
        for (long pid : pids) {
            if (services.contains(pid)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        sum += Double.parseDouble(line.replaceAll("[^0-9]", ""));
                        break;
                    }
                }
            } catch (NoSuchFileException e) {
                // exited since the snapshot
            } catch (IOException e) {
                System.err.println("PSS of " + pid + ": " + e);
                return Double.NaN;
            }
        }
        return sum;
    }

    /** How many have not exited. */
    int alive() {
        return (int) pids.stream().filter(Tree::alive).count();
    }

    /** Until every process has exited (a zombie has). */
    void awaitGone() {
        await(Tree::alive, "exit");
    }

    /** Until every process is reaped too, so that its CPU time has reached its reaper's account. */
    void awaitReaped() {
        await(pid -> Files.exists(Path.of("/proc", Long.toString(pid)))
                || (!Files.isDirectory(Path.of("/proc")) && ProcessHandle.of(pid).isPresent()), "be reaped");
    }

    private void await(java.util.function.LongPredicate stillThere, String what) {
        List<Long> todo = new ArrayList<>(pids);
        long deadline = System.nanoTime() + ScaleBench.DEADLINE.toNanos();
        while (!todo.isEmpty()) {
            todo.removeIf(p -> !stillThere.test(p));
            if (todo.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(todo.size() + " process(es) did not " + what + ": " + todo);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** Not Files.readString: /proc files report size 0. */
    static String firstLine(Path file) throws IOException {
        try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
            String line = in.readLine();
            return line == null ? "" : line;
        }
    }

    static boolean alive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc"))) {
            try {
                String s = firstLine(stat);
                return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}

/**
 * CPU seconds of this JVM and of every process it caused: its own and its reaped children's times
 * (/proc/self/stat), plus the reaped children's times of bench/subreaper.pl, which reaps the
 * orphans. Linux only; NaN elsewhere or without the subreaper.
 */
final class Cpu {
    private static final double TICKS = Double.parseDouble(System.getenv().getOrDefault("CLK_TCK", "100"));
    private static final long REAPER = reaper();

    private Cpu() {}

    private static long reaper() {
        String env = System.getenv("BENCH_REAPER_PID");
        if (env == null || env.isBlank()) {
            return -1;
        }
        long pid = Long.parseLong(env.trim());
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid ? pid : -1;
    }

    static boolean available() {
        return REAPER > 0 && Files.isDirectory(Path.of("/proc"));
    }

    static double seconds() {
        if (!available()) {
            return Double.NaN;
        }
        long[] self = fields(ProcessHandle.current().pid());
        long[] reaper = fields(REAPER);
        // A child that lives on (pgroup's watchdog launcher) has its own time and that of the
        // children it reaped (the watchdogs), which reach this JVM's account only when it exits.
        long live = ProcessHandle.current().children()
                .mapToLong(c -> {
                    try {
                        long[] f = fields(c.pid());
                        return f[0] + f[1] + f[2] + f[3];
                    } catch (java.io.UncheckedIOException | StringIndexOutOfBoundsException e) {
                        return 0; // exited meanwhile: its time is in this JVM's account now
                    }
                })
                .sum();
        return (self[0] + self[1] + self[2] + self[3] + reaper[2] + reaper[3] + live) / TICKS;
    }

    /** utime, stime, cutime, cstime: fields 14-17 of /proc/<pid>/stat. */
    private static long[] fields(long pid) {
        try {
            String s = Tree.firstLine(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

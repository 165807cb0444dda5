import dev.pgroup.Manifest;
import dev.pgroup.core.CreateOptions;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.PruneReport;
import dev.pgroup.core.internal.UnfinishedCreates;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.FileTrees;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.internal.state.StateDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault trials: the owner JVM SIGKILLed, runsvdir SIGKILLed, a process that ignores SIGTERM, and
 * 4 JVMs creating groups at once; then one trial per automatable case of issue 9 (prune over a
 * home-like dir, prune with another database, a planted pid file, two PID namespaces, concurrent
 * start, children that leave their parent, a deleted running group, an interrupted create, a full
 * disk, kill -9 of a runsv, a hanging ready command, restart "never", bad definitions). After each
 * trial it counts processes still running, ports that are not free again (or were leased twice)
 * and files, registry rows and leases left behind, plus a count of its own per case. The goal is
 * zero everywhere.
 *
 * <p>Run through bench/faults.sh, which compiles this file next to the test classes so that the
 * child JVMs of the concurrent start case can run it too.
 */
public class FaultsBench {
    static int trials, leaked, collided, filesLeft;
    static Path work, database, classpath;
    /** The bench's own view of the shared database: rows and leases left behind. */
    static StateDatabase state;
    static GroupRegistry registry;
    static PortLeases leases;
    static String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Path DEFS = Path.of("pgroup-core/src/test/resources/groups").toAbsolutePath();
    /** The case's own count (user files destroyed, processes signalled, ...), by label. */
    static final Map<String, Long> extra = new LinkedHashMap<>();
    static final List<String> summary = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child-start")) {
            childStart(Path.of(args[1]), Path.of(args[2]), args[3]);
            return;
        }
        int ownerKills = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int others = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Set<String> cases = Set.of((args.length > 3 ? args[3] : "all").split(","));
        work = Files.createTempDirectory("pgroup-faults");
        database = work.resolve("pgroup.db");
        state = new StateDatabase(database, StateDatabase.DEFAULT_LOCK_TIMEOUT);
        registry = new GroupRegistry(state);
        int[] range = PortLeases.defaultRange();
        leases = new PortLeases(state, range[0], range[1]);
        long begin = System.nanoTime();
        try {
            if (ownerKills > 0 || others > 0) {
                firstRun(ownerKills, others);
            }
            issueNine(n, cases);
        } finally {
            System.out.printf("%ntotal: %d trials run, %d processes leaked, %d ports collided, %d files left%s (%.0f s)%n",
                    trials, leaked, collided, filesLeft, totals(), (System.nanoTime() - begin) / 1e9);
            summary.forEach(System.out::println);
            state.close();
            try {
                FileTrees.deleteTree(work);
            } catch (IOException e) {
                System.out.println("cannot delete " + work + ": " + e);
            }
        }
    }

    static void firstRun(int ownerKills, int others) throws Exception {
        Path defs = DEFS;
        try (PGroupEngine engine = PGroupEngine.builder().baseDir(work.resolve("base")).database(database).build()) {
            for (int i = 0; i < ownerKills; i++) {
                ownerKilled(engine, defs.resolve(i % 2 == 0 ? "redis-single" : "redis-pair"));
            }
            report("owner SIGKILL", ownerKills);
            for (int i = 0; i < others; i++) {
                runsvdirKilled(engine, defs.resolve("redis-single"));
            }
            report("runsvdir SIGKILL + prune", others);
            Path stubborn = work.resolve("stubborn");
            Files.createDirectories(stubborn);
            Files.writeString(stubborn.resolve("group.toml"), """
                    [[process]]
                    name = "stubborn"
                    command = ["perl", "-e", "$SIG{TERM} = 'IGNORE'; $| = 1; print qq(up\\n); sleep 1 while 1"]
                    ready = { log = "^up$" }
                    stop_timeout = "200ms"
                    """);
            for (int i = 0; i < others; i++) {
                ignoresTerm(engine, stubborn);
            }
            report("stop of a TERM-ignoring process", others);
            if (others > 0) {
                concurrentJvms(defs.resolve("redis-pair"));
                report("4 JVMs x 50 groups created at once", 1);
            }
        }
    }

    static int lastTrials, lastLeaked, lastCollided, lastFiles;
    static final Map<String, Long> totalExtra = new TreeMap<>();
    /** Counts that describe, not fail: left out of the total line. */
    static final Set<String> INFO = Set.of("rolled back", "completed", "daemonizing redis started", "starts that succeeded");

    static void report(String name, int n) {
        StringBuilder more = new StringBuilder();
        extra.forEach((k, v) -> {
            more.append("  ").append(k).append(' ').append(v);
            if (!k.startsWith("max ") && !INFO.contains(k)) {
                totalExtra.merge(k, v, Long::sum);
            }
        });
        System.out.printf("%-40s trials %4d  leaked %d  collided %d  files left %d%s%n", name, trials - lastTrials,
                leaked - lastLeaked, collided - lastCollided, filesLeft - lastFiles, more);
        System.out.flush();
        extra.clear();
        lastTrials = trials;
        lastLeaked = leaked;
        lastCollided = collided;
        lastFiles = filesLeft;
    }

    static String totals() {
        StringBuilder s = new StringBuilder();
        totalExtra.forEach((k, v) -> s.append(", ").append(v).append(' ').append(k));
        return s.toString();
    }

    static void count(String label, long n) {
        extra.merge(label, n, Long::sum);
    }

    static void max(String label, long n) {
        extra.merge(label, n, Math::max);
    }

    static Process child(Path definition, int groups, String mode) throws Exception {
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                        "dev.pgroup.core.OwnerChild", work.resolve("base").toString(), database.toString(),
                        definition.toString(), Integer.toString(groups), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    static List<Path> readManifests(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<Path> manifests = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            manifests.add(Path.of(line));
        }
        if (line == null) {
            throw new IllegalStateException("child exited early: " + p.waitFor());
        }
        return manifests;
    }

    /** runsvdir and everything under it, while the group runs. */
    static List<ProcessHandle> processesOf(Manifest m) throws Exception {
        String[] pid = Files.readString(m.directory().resolve(".pgroup/runsvdir.pid")).trim().split(" ");
        ProcessHandle runsvdir = ProcessHandle.of(Long.parseLong(pid[0])).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(runsvdir.descendants().toList());
        all.add(runsvdir);
        return all;
    }

    static Set<Integer> portsOf(Manifest m) {
        Set<Integer> ports = new HashSet<>();
        m.processes().forEach(p -> ports.addAll(p.ports().values()));
        return ports;
    }

    static void check(List<ProcessHandle> processes, Set<Integer> ports, Path dir, Duration within) {
        trials++;
        Deadline.in(within).await(() -> processes.stream().noneMatch(Processes::isRunning), Duration.ofMillis(20));
        for (ProcessHandle h : processes) {
            if (Processes.isRunning(h)) {
                leaked++;
                System.out.println("  leaked " + h.pid() + " " + h.info().commandLine().orElse("?"));
                h.destroyForcibly();
            }
        }
        for (int port : ports) {
            if (!PortLeases.isUsable(port)) {
                collided++;
                System.out.println("  port " + port + " still taken");
            }
        }
        if (dir != null && Files.exists(dir)) {
            filesLeft++;
            System.out.println("  left " + dir);
        }
    }

    static void ownerKilled(PGroupEngine engine, Path definition) throws Exception {
        Process owner = child(definition, 1, "start");
        Manifest m = Manifest.read(readManifests(owner).get(0));
        List<ProcessHandle> processes = processesOf(m);
        owner.destroyForcibly();
        owner.waitFor();
        check(processes, portsOf(m), null, Duration.ofSeconds(3));
        PruneReport report = engine.prune();
        if (Files.exists(m.directory()) || engine.list().stream().anyMatch(g -> g.id().equals(m.groupId()))) {
            filesLeft++;
            System.out.println("  prune left " + m.groupId() + ": " + report.actions());
        }
    }

    static void runsvdirKilled(PGroupEngine engine, Path definition) throws Exception {
        Group group = engine.create(definition);
        group.start(Duration.ofSeconds(30));
        Manifest m = group.manifest();
        List<ProcessHandle> processes = processesOf(m);
        processes.get(processes.size() - 1).destroyForcibly(); // runsvdir
        Deadline.in(Duration.ofSeconds(5)).await(() -> !Processes.isRunning(processes.get(processes.size() - 1)), Duration.ofMillis(10));
        engine.prune();
        check(processes, portsOf(m), null, Duration.ofSeconds(1));
        group.terminate();
        if (Files.exists(m.directory())) {
            filesLeft++;
        }
    }

    static void ignoresTerm(PGroupEngine engine, Path definition) throws Exception {
        Group group = engine.create(definition);
        group.start(Duration.ofSeconds(30));
        Manifest m = group.manifest();
        List<ProcessHandle> processes = processesOf(m);
        group.terminate();
        check(processes, portsOf(m), m.directory(), Duration.ofMillis(100));
    }

    static void concurrentJvms(Path definition) throws Exception {
        List<Process> owners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            owners.add(child(definition, 50, "create"));
        }
        List<Integer> ports = new ArrayList<>();
        for (Process p : owners) {
            for (Path manifest : readManifests(p)) {
                ports.addAll(portsOf(Manifest.read(manifest)));
            }
        }
        trials++;
        collided += ports.size() - new HashSet<>(ports).size();
        for (Process p : owners) {
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            p.waitFor();
        }
        try (var dirs = Files.list(work.resolve("base"))) {
            long left = dirs.count();
            filesLeft += (int) left;
        }
    }

    // ---------------------------------------------------------------- issue 9 cases

    static void issueNine(int n, Set<String> cases) throws Exception {
        boolean all = cases.contains("all");
        if (all || cases.contains("1")) {
            count("user files destroyed", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::homeLikeDirAndSymlink, i);
            report("1 prune: home-like dir, symlink", n);
        }
        if (all || cases.contains("2")) {
            count("processes killed", 0);
            count("files destroyed", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::pruneWithAnotherDatabase, i);
            report("2 prune with another database", n);
        }
        if (all || cases.contains("3")) {
            count("signalled", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::plantedPidFile, i);
            report("3 planted runsvdir.pid", n);
        }
        if (all || cases.contains("5")) {
            if (unshareWorks()) {
                count("live groups pruned", 0);
                for (int i = 0; i < n; i++) trial(FaultsBench::twoPidNamespaces, i);
                report("5 two PID namespaces, one database", n);
            } else {
                System.out.println("5 two PID namespaces: skipped, unshare -p -f --mount-proc does not work here");
            }
        }
        if (all || cases.contains("6")) {
            count("runsvdirs beyond one", 0);
            count("odd answers", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::concurrentStart, i);
            report("6 start of one id from 4 JVMs", n);
        }
        if (all || cases.contains("7")) {
            for (int i = 0; i < n; i++) trial(FaultsBench::childrenThatLeave, i);
            report("7 children that leave their parent", n);
        }
        if (all || cases.contains("8")) {
            count("ports released early", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::runningGroupDirDeleted, i);
            report("8 running group's dir deleted + prune", n);
        }
        if (all || cases.contains("9")) {
            for (int i = 0; i < n; i++) trial(FaultsBench::interruptedCreate, i);
            report("9 interrupted 200-process create", n);
            count("half-done creates", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::termAtAnyPoint, i);
            report("9 TERM at any point of a 500-process one", n);
        }
        if (all || cases.contains("10")) {
            if (tmpfsWorks()) {
                count("starts that succeeded", 0);
                for (int i = 0; i < n; i++) trial(FaultsBench::diskFullDuringStart, i);
                report("10 disk full during start", n);
            } else {
                System.out.println("10 disk full during start: skipped, cannot mount a small tmpfs (needs Linux and root)");
            }
        }
        if (all || cases.contains("11")) {
            for (int i = 0; i < n; i++) trial(FaultsBench::runsvKilled, i);
            report("11 kill -9 of a runsv, then stop/terminate", n);
        }
        if (all || cases.contains("13")) {
            count("starts that succeeded", 0);
            for (int i = 0; i < n; i++) trial(FaultsBench::hangingReadyCommand, i);
            report("13 ready command never exits, timeout 3s", n);
        }
        if (all || cases.contains("14")) {
            restartNever(n);
            report("14 restart never with /bin/true", n);
        }
        if (all || Set.of("16", "17", "18", "19", "20").stream().anyMatch(cases::contains)) {
            definitionErrors();
        }
    }

    interface Trial {
        void run(int i) throws Exception;
    }

    /** One trial; one that throws is counted and printed, and the next one runs. */
    static void trial(Trial t, int i) {
        try {
            t.run(i);
        } catch (Exception | Error e) {
            count("trials that threw", 1);
            System.out.println("  trial " + i + " threw " + firstLine(e));
            e.printStackTrace(System.out);
        }
    }

    static PGroupEngine engine(Path base) {
        return engine(base, database);
    }

    static PGroupEngine engine(Path base, Path db) {
        return PGroupEngine.builder().baseDir(base).database(db).build();
    }

    static void backdate(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    }

    static Path definition(Path dir, String toml) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("group.toml"), toml);
        return dir;
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("");
    }

    /** argv joined by spaces, from /proc on Linux. */
    static String cmdline(ProcessHandle h) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | RuntimeException e) {
            return h.info().commandLine().orElse("");
        }
    }

    static String cwd(ProcessHandle h) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Running processes whose command line holds {@code marker}, e.g. a unique sleep duration. */
    static List<ProcessHandle> marked(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> List.of(cmdline(h).split(" ")).contains(marker))
                .filter(Processes::isRunning)
                .toList();
    }

    /** Running processes with the dir in their command line or their working dir in it (even deleted). */
    static List<ProcessHandle> inDir(Path dir) {
        String d = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> {
                    String c = cwd(h);
                    return cmdline(h).contains(d) || c.equals(d) || c.startsWith(d + "/") || c.startsWith(d + " ");
                })
                .filter(Processes::isRunning)
                .toList();
    }

    /** Waits up to {@code within} for all to end; kills, prints and counts those that did not. */
    static int leftRunning(String what, List<ProcessHandle> processes, Duration within) {
        Deadline.in(within).await(() -> processes.stream().noneMatch(Processes::isRunning), Duration.ofMillis(20));
        int n = 0;
        for (ProcessHandle h : new HashSet<>(processes)) {
            if (Processes.isRunning(h)) {
                n++;
                System.out.println("  " + what + ": left " + h.pid() + " " + cmdline(h));
                h.destroyForcibly();
            }
        }
        return n;
    }

    static int portsTaken(Set<Integer> ports) {
        int n = 0;
        for (int port : ports) {
            if (!PortLeases.isUsable(port)) {
                n++;
                System.out.println("  port " + port + " still taken");
            }
        }
        return n;
    }

    /** The group's dir, registry row and leases, each counted when still there. */
    static int leftBehind(PGroupEngine engine, String id, Path dir) {
        int n = 0;
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            n++;
            System.out.println("  left dir " + dir);
        }
        if (registry.find(id).isPresent()) {
            n++;
            System.out.println("  left registry row " + id);
        }
        if (!leases.leasesOf(id).isEmpty()) {
            n++;
            System.out.println("  left " + leases.leasesOf(id).size() + " leases of " + id);
        }
        return n;
    }

    static List<ProcessHandle> withDescendants(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        return all;
    }

    static void signal(long pid, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    // 1. prune over a base dir holding a home-like dir and a symlink named like a group.
    static void homeLikeDirAndSymlink(int i) throws Exception {
        Path c = work.resolve("c1-" + i);
        Path base = Files.createDirectories(c.resolve("base"));
        List<Path> precious = new ArrayList<>();
        for (String name : List.of("home1", "alice-box-k3f9qz")) { // the second is named like a group id
            Path home = Files.createDirectories(base.resolve(name));
            Files.createDirectories(home.resolve(".pgroup"));
            precious.add(Files.writeString(home.resolve(".pgroup/pgroup.db"), "not a group's file"));
            precious.add(Files.writeString(Files.createDirectories(home.resolve("projects")).resolve("thesis.tex"), "x"));
            backdate(home.resolve("projects"));
            backdate(home.resolve(".pgroup"));
            backdate(home);
        }
        // A symlink named like a group, to a dir that looks like a stale group of ours.
        Path victim = Files.createDirectories(c.resolve("victim/.pgroup"));
        precious.add(Files.writeString(victim.resolve("runtime.properties"), "processes=\n"));
        precious.add(Files.writeString(c.resolve("victim/precious.txt"), "x"));
        backdate(victim);
        backdate(victim.getParent());
        Path link = Files.createSymbolicLink(base.resolve("stale-vm-aaaaaa"), victim.getParent());
        try (PGroupEngine engine = engine(base)) {
            PruneReport report = engine.prune();
            trials++;
            long destroyed = precious.stream().filter(p -> !Files.exists(p)).count();
            if (!Files.isSymbolicLink(link)) {
                destroyed++;
            }
            if (destroyed > 0) {
                System.out.println("  prune destroyed user files: " + report.actions());
            }
            count("user files destroyed", destroyed);
        }
    }

    /** runsvdir and everything under it, while the group runs. */
    static List<ProcessHandle> processesOf(Group g) throws Exception {
        return processesOf(g.manifest());
    }

    // 2. prune with another database over the same base dir while a group runs.
    static void pruneWithAnotherDatabase(int i) throws Exception {
        Path base = work.resolve("c2/base");
        Path otherDb = Files.createDirectories(work.resolve("c2/other-" + i)).resolve("pgroup.db");
        try (PGroupEngine a = engine(base);
                PGroupEngine b = engine(base, otherDb)) {
            Group g = a.create(DEFS.resolve("redis-single"));
            g.start(Duration.ofSeconds(30));
            Manifest m = g.manifest();
            List<ProcessHandle> processes = processesOf(m);
            backdate(g.directory().resolve(".pgroup")); // old enough that no create is in progress
            backdate(g.directory());
            PruneReport report = b.prune();
            long killed = processes.stream().filter(h -> !Processes.isRunning(h)).count();
            if (killed > 0 || !Files.exists(g.manifestFile())) {
                System.out.println("  prune of another database touched a live group: " + report.actions());
            }
            count("processes killed", killed);
            count("files destroyed", Files.exists(g.manifestFile()) ? 0 : 1);
            g.terminate();
            check(processes, portsOf(m), g.directory(), Duration.ofSeconds(5));
            filesLeft += leftBehind(a, m.groupId(), g.directory()) - (Files.exists(g.directory()) ? 1 : 0);
        }
    }

    // 3. a planted .pgroup/runsvdir.pid naming one of our own processes.
    static void plantedPidFile(int i) throws Exception {
        String marker = Integer.toString(900300 + i);
        Process sleep = new ProcessBuilder("sleep", marker).start();
        try {
            Path base = work.resolve("c3-" + i + "/base");
            Path dir = Files.createDirectories(base.resolve("stale-vm-aaaaaa/.pgroup")).getParent();
            Files.writeString(dir.resolve(".pgroup/runtime.properties"), "processes=\n");
            Files.writeString(new GroupLayout(dir).runsvdirPidFile(),
                    sleep.pid() + " " + Processes.startMillis(sleep.toHandle()) + "\n");
            backdate(dir.resolve(".pgroup"));
            backdate(dir);
            try (PGroupEngine engine = engine(base)) {
                engine.prune();
            }
            trials++;
            // TERM or HUP would have ended it at once: a moment's grace shows nothing was on its way.
            if (sleep.waitFor(200, TimeUnit.MILLISECONDS) || !Processes.isRunning(sleep.toHandle())) {
                count("signalled", 1);
                System.out.println("  prune signalled our sleep " + sleep.pid());
            } else {
                count("signalled", 0);
            }
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    // 5. two PID namespaces sharing one database.
    static final List<String> UNSHARE = List.of("unshare", "-p", "-f", "--mount-proc", "--kill-child");

    static boolean unshareWorks() {
        List<String> c = new ArrayList<>(UNSHARE);
        c.add("true");
        return run(c.toArray(String[]::new));
    }

    static void twoPidNamespaces(int i) throws Exception {
        Path base = work.resolve("c5/base");
        List<String> command = new ArrayList<>(UNSHARE);
        command.addAll(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.pgroup.core.OwnerChild", base.toString(), database.toString(),
                DEFS.resolve("redis-pair").toString(), "1", "start"));
        // unshare says "sigprocmask unblock failed" when its child is killed: kept out of the table.
        Path err = Files.createDirectories(work.resolve("c5")).resolve("child-" + i + ".err");
        Process child = new ProcessBuilder(command).redirectError(err.toFile()).start();
        try (PGroupEngine host = engine(base)) {
            Manifest cm;
            try {
                cm = Manifest.read(readManifests(child).get(0));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + ": " + Files.readString(err), e);
            }
            String id = cm.groupId();
            ProcessHandle jvm = child.toHandle().descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("/java"))
                    .findFirst()
                    .orElseThrow();
            // The group's lasting processes, not a readiness probe or watchdog helper that ends by itself.
            List<ProcessHandle> childProcesses = jvm.descendants()
                    .filter(h -> Set.of("runsvdir", "runsv", "svlogd", "redis-server").contains(program(h)))
                    .toList();
            if (childProcesses.size() < 7) {
                System.out.println("  only " + childProcesses.size() + " processes of the namespace's group found: "
                        + jvm.descendants().map(h -> h.info().command().orElse("?") + " " + cmdline(h)).toList());
            }
            Set<Integer> childPorts = portsOf(cm);
            Group hg = host.create(DEFS.resolve("redis-pair"));
            hg.start(Duration.ofSeconds(30));
            Manifest hm = hg.manifest();
            trials++;
            Set<Integer> both = new HashSet<>(portsOf(hm));
            both.retainAll(childPorts);
            if (!both.isEmpty()) {
                System.out.println("  ports leased to both namespaces: " + both);
            }
            collided += both.size();
            PruneReport whileAlive = host.prune();
            List<ProcessHandle> ended = childProcesses.stream().filter(h -> !Processes.isRunning(h)).toList();
            boolean pruned = whileAlive.actions().stream().anyMatch(a -> a.contains(id))
                    || !Files.exists(cm.directory())
                    || registry.find(id).isEmpty()
                    || !ended.isEmpty();
            if (pruned) {
                System.out.println("  host prune touched the live group of the other namespace: " + whileAlive.actions()
                        + ", dir " + Files.exists(cm.directory()) + ", row " + registry.find(id).isPresent()
                        + ", ended " + ended.stream().map(h -> h.pid() + " " + h.info().command().orElse("?")).toList());
            }
            count("live groups pruned", pruned ? 1 : 0);
            if (i % 2 == 0) { // the owner terminates its group
                child.getOutputStream().write('\n');
                child.getOutputStream().flush();
                child.waitFor(60, TimeUnit.SECONDS);
            } else { // kill -9 the JVM (pid 1 in its namespace), then prune on the host
                jvm.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
                Deadline.in(Duration.ofSeconds(10)).await(() -> !jvm.isAlive(), Duration.ofMillis(20));
                host.prune();
            }
            leaked += leftRunning("namespace group", childProcesses, Duration.ofSeconds(10));
            collided += portsTaken(childPorts);
            filesLeft += leftBehind(host, id, cm.directory());
            List<ProcessHandle> hostProcesses = processesOf(hm);
            hg.terminate();
            check(hostProcesses, portsOf(hm), hm.directory(), Duration.ofSeconds(5));
            trials--; // check() counted the host group as a trial of its own
        } finally {
            child.destroyForcibly();
        }
    }

    // 6. concurrent start of one detached group id from 4 JVMs.
    static void childStart(Path base, Path db, String id) throws Exception {
        try (PGroupEngine engine = engine(base, db)) {
            Group group = engine.open(id);
            System.out.println("ready");
            System.out.flush();
            System.in.read();
            try {
                group.start(Duration.ofSeconds(30));
                System.out.println("ok");
            } catch (RuntimeException e) {
                System.out.println("failed " + firstLine(e));
            }
            System.out.flush();
        }
    }

    static void concurrentStart(int i) throws Exception {
        Path base = work.resolve("c6/base");
        try (PGroupEngine engine = engine(base)) {
            Group g = engine.create(DEFS.resolve("redis-single"), CreateOptions.defaults().withDetached(true));
            Manifest m = g.manifest();
            List<Process> kids = new ArrayList<>();
            List<BufferedReader> outs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
                                System.getProperty("java.class.path"), "FaultsBench", "child-start", base.toString(),
                                database.toString(), g.id())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                kids.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outs) {
                String line = out.readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException("child start JVM said " + line);
                }
            }
            Path dir = g.directory();
            Map<Long, String> runsvdirs = new ConcurrentHashMap<>();
            AtomicBoolean racing = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> { // every runsvdir launched for the dir, even one killed again
                do {
                    runsvdirsOf(dir).forEach(h -> runsvdirs.computeIfAbsent(h.pid(), pid -> describe(h)));
                } while (racing.get());
            });
            sampler.start();
            for (Process p : kids) { // all four at once
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
            }
            Map<String, Integer> answers = new TreeMap<>();
            for (int k = 0; k < 4; k++) {
                String line = outs.get(k).readLine();
                answers.merge(String.valueOf(line), 1, Integer::sum);
                kids.get(k).waitFor(60, TimeUnit.SECONDS);
            }
            racing.set(false);
            sampler.join();
            runsvdirsOf(dir).forEach(h -> runsvdirs.computeIfAbsent(h.pid(), pid -> describe(h)));
            trials++;
            long odd = answers.entrySet().stream()
                    .filter(e -> !e.getKey().equals("ok") && !e.getKey().contains("already"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            if (runsvdirs.size() != 1 || odd > 0 || !answers.containsKey("ok")) {
                System.out.println("  " + runsvdirs.size() + " runsvdirs launched, answers " + answers);
                runsvdirs.forEach((pid, what) -> System.out.println("    " + what + (ProcessHandle.of(pid)
                        .filter(Processes::isRunning).isPresent() ? ", runs" : ", ended")));
            }
            count("runsvdirs beyond one", Math.max(0, runsvdirs.size() - 1));
            count("odd answers", odd + (answers.containsKey("ok") ? 0 : 1));
            List<ProcessHandle> running = inDir(dir);
            engine.open(g.id()).terminate();
            List<ProcessHandle> all = new ArrayList<>(running);
            all.addAll(inDir(dir));
            leaked += leftRunning("after terminate", all, Duration.ofSeconds(5));
            collided += portsTaken(portsOf(m));
            filesLeft += leftBehind(engine, m.groupId(), dir);
        }
    }

    /** The name argv[0] gives (Debian's redis-server is a link to redis-check-rdb). */
    static String program(ProcessHandle h) {
        String argv0 = cmdline(h).split(" ")[0];
        return argv0.substring(argv0.lastIndexOf('/') + 1);
    }

    static String describe(ProcessHandle h) {
        return "pid " + h.pid() + " parent " + h.parent().map(p -> p.pid() + " " + cmdline(p)).orElse("?")
                + " started " + h.info().startInstant().orElse(null);
    }

    /** Running runsvdirs of the dir; not a runsvdir's child between its fork and its exec of runsv. */
    static List<ProcessHandle> runsvdirsOf(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/runsvdir"))
                .filter(h -> !h.parent().map(p -> p.info().command().orElse("").endsWith("/runsvdir")).orElse(false))
                .filter(h -> cmdline(h).contains(dir.toString()))
                .filter(Processes::isRunning)
                .toList();
    }

    // 7. children that leave their parent.
    static void childrenThatLeave(int i) throws Exception {
        String m1 = Integer.toString(900700 + 2 * i), m2 = Integer.toString(900701 + 2 * i);
        Path def = definition(work.resolve("c7/def-" + i), """
                [[process]]
                name = "detach"
                command = ["/bin/sh", "-c", "(setsid sleep %1$s &) ; (sleep %1$s &); exec sleep %1$s"]
                [[process]]
                name = "trap"
                command = ["/bin/sh", "-c", "trap 'sleep %2$s & exit 0' TERM; echo up; while :; do sleep 0.1; done"]
                ready = { log = "^up$" }
                """.formatted(m1, m2));
        Path redisDef = definition(work.resolve("c7/redis-" + i), """
                [[process]]
                name = "redis"
                command = ["redis-server", "--daemonize", "yes", "--port", "{{port.main}}", "--bind", "127.0.0.1", "--save", "", "--dir", "{{process.dir}}", "--pidfile", "{{process.dir}}/redis.pid"]
                ports = ["main"]
                ready = { tcp = "main" }
                """);
        Path base = work.resolve("c7/base");
        try (PGroupEngine engine = engine(base)) {
            Group g = engine.create(def);
            g.start(Duration.ofSeconds(30));
            // All three sleeps of "detach" run before the stop (ready needs only the exec'd one).
            Deadline.in(Duration.ofSeconds(5)).await(() -> marked(m1).size() >= 3, Duration.ofMillis(20));
            long began = System.nanoTime();
            String how = i % 2 == 0 ? "stop" : "terminate";
            if (i % 2 == 0) {
                g.stop();
            } else {
                g.terminate();
            }
            max("max " + how + " ms", (System.nanoTime() - began) / 1_000_000);
            List<ProcessHandle> left = new ArrayList<>(marked(m1));
            left.addAll(marked(m2)); // the trap's sleep starts as the stop begins
            trials++;
            leaked += leftRunning("after " + how, left, Duration.ofSeconds(2));
            g.terminate();
            filesLeft += leftBehind(engine, g.id(), g.directory());

            Group r = engine.create(redisDef);
            Set<Integer> ports = portsOf(r.manifest());
            try {
                r.start(Duration.ofSeconds(10));
                count("daemonizing redis started", 1);
            } catch (PGroupException e) {
                if (i == 0) {
                    System.out.println("  redis --daemonize yes: " + firstLine(e));
                }
            }
            List<ProcessHandle> redis = inDir(r.directory());
            r.terminate();
            List<ProcessHandle> all = new ArrayList<>(redis);
            all.addAll(inDir(r.directory()));
            trials++;
            leaked += leftRunning("daemonized redis after terminate", all, Duration.ofSeconds(2));
            collided += portsTaken(ports);
            filesLeft += leftBehind(engine, r.id(), r.directory());
        }
    }

    // 8. a running group whose directory is deleted, then prune.
    static void runningGroupDirDeleted(int i) throws Exception {
        // A service that takes a second to exit on TERM: a release before the stop would show.
        Path def = definition(work.resolve("c8/def"), """
                [[process]]
                name = "slow"
                command = ["sh", "-c", "trap 'sleep 1; exit 0' TERM; echo up; while :; do sleep 0.1; done"]
                ports = ["main"]
                ready = { log = "up" }
                """);
        Path base = work.resolve("c8/base");
        try (PGroupEngine engine = engine(base);
                PGroupEngine watcher = engine(base)) {
            Group g = engine.create(def, CreateOptions.defaults().withDetached(i % 2 == 0));
            g.start(Duration.ofSeconds(30));
            Manifest m = g.manifest();
            int port = g.port("slow", "main");
            List<ProcessHandle> processes = processesOf(m);
            FileTrees.deleteTree(g.directory()); // rm -rf, or mvn clean, during a run
            AtomicReference<List<ProcessHandle>> runningAtRelease = new AtomicReference<>(List.of());
            Thread watch = new Thread(() -> {
                Deadline.in(Duration.ofSeconds(30))
                        .await(() -> !leases.allLeasedPorts().contains(port), Duration.ofMillis(5));
                runningAtRelease.set(processes.stream().filter(Processes::isRunning).toList());
            });
            watch.start();
            PruneReport report = engine.prune();
            watch.join();
            if (!runningAtRelease.get().isEmpty()) {
                System.out.println("  port released while " + runningAtRelease.get().size() + " ran: " + report.actions());
            }
            count("ports released early", runningAtRelease.get().isEmpty() ? 0 : 1);
            check(processes, Set.of(port), g.directory(), Duration.ofSeconds(1));
            filesLeft += leftBehind(engine, m.groupId(), g.directory()) - (Files.exists(g.directory()) ? 1 : 0);
        }
    }

    // 9. an interrupted create (TERM, INT, kill -9 + prune) of a big detached create.
    static void interruptedCreate(int i) throws Exception {
        StringBuilder toml = new StringBuilder("name = \"big\"\n");
        for (int p = 0; p < 200; p++) {
            toml.append("[[process]]\nname = \"p").append(p).append("\"\ncommand = [\"sleep\", \"1000\"]\nports = [\"main\"]\n");
        }
        Path def = definition(work.resolve("c9/def"), toml.toString());
        Path base = work.resolve("c9/base");
        Path marker = work.resolve("c9/paused-" + i);
        String signal = List.of("TERM", "INT", "KILL").get(i % 3);
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1",
                        "-D" + UnfinishedCreates.TEST_PAUSE_AFTER_LEASES + "=" + marker, "-cp",
                        System.getProperty("java.class.path"), "dev.pgroup.core.OwnerChild", base.toString(),
                        database.toString(), def.toString(), "1", "create", "detached")
                .redirectError(work.resolve("c9/child-" + i + ".err").toFile()) // the rollback's stack trace
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (PGroupEngine engine = engine(base)) {
            boolean paused = Deadline.in(Duration.ofSeconds(60))
                    .await(() -> readId(marker) != null || !child.isAlive(), Duration.ofMillis(20));
            String id = readId(marker);
            if (!paused || id == null) {
                throw new IllegalStateException("the create did not pause (exit " + child.waitFor() + ")");
            }
            int held = leases.leasesOf(id).size();
            signal(child.pid(), signal);
            child.waitFor(30, TimeUnit.SECONDS);
            if (signal.equals("KILL")) {
                engine.prune();
            }
            trials++;
            int left = leftBehind(engine, id, base.resolve(id));
            if (left > 0) {
                System.out.println("  after " + signal + " (" + held + " leases held)");
            }
            filesLeft += left;
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * No test hook: TERM lands wherever the create happens to be, from before its dir exists to
     * after it finished. The create is either wholly undone or wholly done.
     */
    static void termAtAnyPoint(int i) throws Exception {
        StringBuilder toml = new StringBuilder("name = \"big\"\n");
        for (int p = 0; p < 500; p++) {
            toml.append("[[process]]\nname = \"p").append(p).append("\"\ncommand = [\"sleep\", \"1000\"]\nports = [\"main\"]\n");
        }
        Path def = definition(work.resolve("c9b/def"), toml.toString());
        Path base = work.resolve("c9b/base-" + i);
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
                        System.getProperty("java.class.path"), "dev.pgroup.core.OwnerChild", base.toString(),
                        database.toString(), def.toString(), "1", "create", "detached")
                .redirectError(work.resolve("c9b/child-" + i + ".err").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (PGroupEngine engine = engine(base)) {
            // A chosen moment to interrupt at, not a wait for something to happen.
            Deadline.in(Duration.ofMillis(500 + 1000L * i)).pauseUpTo(Long.MAX_VALUE);
            signal(child.pid(), "TERM");
            child.waitFor(30, TimeUnit.SECONDS);
            trials++;
            List<GroupRegistry.Entry> rows = registry.all().stream()
                    .filter(r -> r.directory().startsWith(base))
                    .toList();
            List<Path> dirs = Files.isDirectory(base) ? Files.list(base).toList() : List.of();
            if (rows.isEmpty()) {
                count("rolled back", 1);
                if (!dirs.isEmpty()) {
                    System.out.println("  TERM after " + (500 + 1000 * i) + " ms: no row, but " + dirs);
                    filesLeft += dirs.size();
                }
            } else {
                GroupRegistry.Entry row = rows.get(0);
                int held = leases.leasesOf(row.id()).size();
                if (row.creating() || !dirs.equals(List.of(row.directory())) || held != 500) {
                    count("half-done creates", 1);
                    System.out.println("  TERM after " + (500 + 1000 * i) + " ms: row " + row.id() + " creating="
                            + row.creating() + ", dirs " + dirs + ", " + held + " leases");
                }
                count("completed", 1);
                engine.open(row.id()).terminate();
                filesLeft += leftBehind(engine, row.id(), row.directory());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    static String readId(Path marker) {
        try {
            String s = Files.readString(marker).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    // 10. disk full during start: a small tmpfs as base dir.
    static boolean tmpfsWorks() throws IOException {
        Path probe = Files.createDirectories(work.resolve("c10-probe"));
        boolean ok = run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", probe.toString());
        if (ok) {
            run("umount", probe.toString());
        }
        return ok;
    }

    static void diskFullDuringStart(int i) throws Exception {
        Path mount = Files.createDirectories(work.resolve("c10-" + i));
        if (!run("mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", mount.toString())) {
            throw new IllegalStateException("cannot mount a tmpfs on " + mount);
        }
        try (PGroupEngine engine = engine(mount.resolve("base"))) {
            Group g = engine.create(DEFS.resolve("redis-single"));
            Manifest m = g.manifest();
            Path filler = mount.resolve("filler");
            fill(filler, i * 8192L); // from no room at all to a few pages, so start fails at different steps
            boolean failed = false;
            try {
                g.start(Duration.ofSeconds(10));
                count("starts that succeeded", 1);
            } catch (RuntimeException e) {
                failed = true;
                System.out.println("  " + (i * 8) + " KB free: " + firstLine(e));
                if (!(e instanceof PGroupException)) {
                    count("untyped errors", 1);
                }
            }
            trials++;
            if (failed) {
                // Whatever start launched stops when start fails.
                leaked += leftRunning("after the failed start", inDir(g.directory()), Duration.ofSeconds(3));
            }
            Files.delete(filler);
            List<ProcessHandle> running = inDir(g.directory());
            try {
                g.terminate();
            } catch (RuntimeException e) {
                System.out.println("  terminate: " + firstLine(e));
            }
            leaked += leftRunning("after terminate", running, Duration.ofSeconds(3));
            collided += portsTaken(portsOf(m));
            filesLeft += leftBehind(engine, m.groupId(), g.directory());
        } finally {
            if (!run("umount", mount.toString())) {
                System.out.println("  umount " + mount + " failed; lazy umount");
                run("umount", "-l", mount.toString());
            }
        }
    }

    /** Fills the file system of {@code file} up, then gives {@code free} bytes back. */
    static void fill(Path file, long free) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        try (var ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - free));
        }
    }

    // 11. kill -9 of one runsv, then stop or terminate.
    static void runsvKilled(int i) throws Exception {
        Path base = work.resolve("c11/base");
        try (PGroupEngine engine = engine(base)) {
            Group g = engine.create(DEFS.resolve("redis-single"));
            g.start(Duration.ofSeconds(30));
            Manifest m = g.manifest();
            List<ProcessHandle> processes = processesOf(m);
            ProcessHandle runsvdir = processes.get(processes.size() - 1);
            ProcessHandle runsv = runsvdir.children()
                    .filter(h -> h.info().command().orElse("").endsWith("/runsv"))
                    .findFirst()
                    .orElseThrow();
            runsv.destroyForcibly();
            Deadline.in(Duration.ofSeconds(5)).await(() -> !Processes.isRunning(runsv), Duration.ofMillis(10));
            // runsvdir notices within its 5 s rescan and starts a new runsv (which finds redis's port taken).
            Deadline.in(Duration.ofSeconds(8)).await(
                    () -> runsvdir.children().anyMatch(h -> h.pid() != runsv.pid() && Processes.isRunning(h)
                            && h.info().command().orElse("").endsWith("/runsv")), Duration.ofMillis(50));
            String how = i % 2 == 0 ? "stop" : "terminate";
            if (i % 2 == 0) {
                g.stop();
            } else {
                g.terminate();
            }
            List<ProcessHandle> all = new ArrayList<>(processes);
            all.addAll(inDir(g.directory()));
            trials++;
            leaked += leftRunning("after " + how, all, Duration.ofSeconds(2));
            collided += portsTaken(portsOf(m));
            g.terminate();
            filesLeft += leftBehind(engine, m.groupId(), g.directory());
        }
    }

    // 13. a ready command that never exits, start timeout 3 s.
    static void hangingReadyCommand(int i) throws Exception {
        String marker = Integer.toString(901300 + i);
        Path def = definition(work.resolve("c13/def-" + i), """
                [[process]]
                name = "hangs"
                command = ["sleep", "60"]
                ready = { command = ["sleep", "%s"] }
                """.formatted(marker));
        Path base = work.resolve("c13/base");
        try (PGroupEngine engine = engine(base)) {
            Group g = engine.create(def);
            long began = System.nanoTime();
            try {
                g.start(Duration.ofSeconds(3));
                count("starts that succeeded", 1);
            } catch (PGroupException e) {
                // expected
            }
            max("max start ms", (System.nanoTime() - began) / 1_000_000);
            trials++;
            List<ProcessHandle> left = new ArrayList<>(marked(marker));
            left.addAll(inDir(g.directory()));
            leaked += leftRunning("after the failed start", left, Duration.ofSeconds(3));
            g.terminate();
            filesLeft += leftBehind(engine, g.id(), g.directory());
        }
    }

    // 14. restart = "never" with /bin/true: every start fails fast, the same way.
    static void restartNever(int n) throws Exception {
        Path def = definition(work.resolve("c14/def"), """
                [[process]]
                name = "once"
                command = ["/bin/true"]
                restart = "never"
                """);
        try (PGroupEngine engine = engine(work.resolve("c14/base"))) {
            Group g = engine.create(def);
            String expected = "group " + g.id() + ": process \"once\" exited during start with status 0";
            for (int i = 0; i < n; i++) {
                long began = System.nanoTime();
                String first;
                try {
                    g.start(Duration.ofSeconds(20));
                    first = "started";
                } catch (PGroupException e) {
                    first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                }
                long ms = (System.nanoTime() - began) / 1_000_000;
                max("max start ms", ms);
                trials++;
                if (!first.equals(expected) || ms > 3000) {
                    count("odd", 1);
                    System.out.println("  try " + i + " (" + ms + " ms): " + first);
                } else {
                    count("odd", 0);
                }
                leaked += leftRunning("after start", inDir(g.directory()), Duration.ofSeconds(2));
            }
            g.terminate();
            filesLeft += leftBehind(engine, g.id(), g.directory());
        }
    }

    // 16-20. definitions rejected at create, leaving nothing.
    static final String VALID = """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            ports = ["http"]
            """;

    interface Setup {
        void in(Path dir) throws IOException;
    }

    static void definitionErrors() throws Exception {
        Setup none = d -> {};
        Setup conf = d -> Files.writeString(d.resolve("web.conf"), "x\n");
        Map<String, Map<String, Object[]>> items = new LinkedHashMap<>();
        items.put("16 env names collide", Map.of(
                "web-api and web_api", new Object[] {"""
                        [[process]]
                        name = "web-api"
                        command = ["sleep", "60"]
                        ports = ["main"]
                        [[process]]
                        name = "web_api"
                        command = ["sleep", "60"]
                        ports = ["main"]
                        """, none},
                "port api-main of web", new Object[] {"""
                        [[process]]
                        name = "web-api"
                        command = ["sleep", "60"]
                        ports = ["main"]
                        [[process]]
                        name = "web"
                        command = ["sleep", "60"]
                        ports = ["api-main"]
                        """, none}));
        Map<String, Object[]> seventeen = new LinkedHashMap<>();
        seventeen.put("non-UTF-8 template", new Object[] {VALID + "templates = [\"web.conf\"]\n", (Setup) d ->
                Files.write(d.resolve("web.conf"), "a\np{{port.http}}\nx\u00ff\n".getBytes(StandardCharsets.ISO_8859_1))});
        seventeen.put("workdir = run", new Object[] {VALID + "workdir = \"run\"\n", none});
        seventeen.put("workdir named like a template",
                new Object[] {VALID + "templates = [\"web.conf\"]\nworkdir = \"web.conf/data\"\n", conf});
        seventeen.put("ready.http with a space", new Object[] {VALID + "ready = { http = \"http:/a b\" }\n", none});
        seventeen.put("after cycle of 5000", new Object[] {chain(5000), none});
        seventeen.put("ready command not on PATH",
                new Object[] {VALID + "ready = { command = [\"no-such-check-pgroup\", \"x\"] }\n", none});
        items.put("17 errors without file/line/key", seventeen);
        items.put("18 files = [...] misuse", Map.of(
                "template and file at once",
                new Object[] {VALID + "templates = [\"web.conf\"]\nfiles = [\"./web.conf\"]\n", conf},
                "file leaving the definition dir", new Object[] {VALID + "files = [\"../secret.bin\"]\n", none}));
        items.put("19 NUL bytes", Map.of(
                "NUL in command", new Object[] {"[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"6\\u00000\"]\n", none},
                "NUL in env", new Object[] {VALID + "env = { TOKEN = \"a\\u0000b\" }\n", none}));
        items.put("20 workdir leaving the process dir",
                Map.of("workdir ../../../../../../etc", new Object[] {VALID + "workdir = \"../../../../../../etc\"\n", none}));
        Path base = work.resolve("c16/base");
        int k = 0;
        try (PGroupEngine engine = engine(base)) {
            for (var item : items.entrySet()) {
                for (var bad : item.getValue().entrySet()) {
                    Path dir = definition(work.resolve("c16/def-" + k++), (String) bad.getValue()[0]);
                    ((Setup) bad.getValue()[1]).in(dir);
                    count("accepted", 0);
                    count("not a DefinitionException", 0);
                    count("without line or key", 0);
                    int rowsBefore = registry.all().size();
                    int leasesBefore = leases.allLeasedPorts().size();
                    trials++;
                    try {
                        Group g = engine.create(dir);
                        count("accepted", 1);
                        System.out.println("  accepted: " + bad.getKey());
                        g.terminate();
                    } catch (DefinitionException e) {
                        if (e.key().isEmpty() && e.line() <= 0) {
                            count("without line or key", 1);
                            System.out.println("  " + bad.getKey() + ": " + firstLine(e));
                        }
                    } catch (RuntimeException e) {
                        count("not a DefinitionException", 1);
                        System.out.println("  " + bad.getKey() + ": " + firstLine(e));
                    }
                    int left = (Files.isDirectory(base) ? (int) Files.list(base).count() : 0)
                            + (registry.all().size() - rowsBefore)
                            + (leases.allLeasedPorts().size() - leasesBefore);
                    if (left > 0) {
                        System.out.println("  " + bad.getKey() + " left " + left + " dirs, rows or leases");
                    }
                    filesLeft += left;
                }
                if (item.getKey().startsWith("18")) {
                    verbatimFiles(engine);
                }
                report(item.getKey(), item.getValue().size());
            }
        }
    }

    /** 18's other half: what is not rendered is copied byte for byte. */
    static void verbatimFiles(PGroupEngine engine) throws Exception {
        count("files changed", 0);
        byte[] crlf = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] binary = new byte[256];
        for (int b = 0; b < 256; b++) {
            binary[b] = (byte) b;
        }
        Path dir = definition(work.resolve("c16/verbatim"),
                VALID + "templates = [\"request.txt\"]\nfiles = [\"data.bin\"]\n");
        Files.write(dir.resolve("request.txt"), crlf);
        Files.write(dir.resolve("data.bin"), binary);
        Group g = engine.create(dir);
        try {
            trials++;
            for (var f : Map.of("request.txt", crlf, "data.bin", binary).entrySet()) {
                Path copy = g.directory().resolve("web").resolve(f.getKey());
                if (!Files.exists(copy) || !Arrays.equals(Files.readAllBytes(copy), f.getValue())) {
                    count("files changed", 1);
                    System.out.println("  " + f.getKey() + " not copied byte for byte to " + copy);
                }
            }
        } finally {
            g.terminate();
        }
    }

    static String chain(int n) {
        StringBuilder toml = new StringBuilder();
        for (int i = 0; i < n; i++) {
            toml.append("[[process]]\nname = \"p").append(i).append("\"\ncommand = [\"sleep\", \"1\"]\n");
            toml.append("after = [\"p").append((i + 1) % n).append("\"]\n");
        }
        return toml.toString();
    }
}

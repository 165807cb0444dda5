import dev.pgroup.Manifest;
import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.PruneReport;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.state.PortLeases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fault trials: the owner JVM SIGKILLed, runsvdir SIGKILLed, a process that ignores SIGTERM, and
 * 4 JVMs creating groups at once. After each trial it counts processes still running, ports that
 * are not free again (or were leased twice) and files left behind. The goal is zero everywhere.
 *
 * Run through bench/faults.sh.
 */
public class FaultsBench {
    static int trials, leaked, collided, filesLeft;
    static Path work, database, classpath;
    static String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    public static void main(String[] args) throws Exception {
        int ownerKills = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int others = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path defs = Path.of("pgroup-core/src/test/resources/groups");
        work = Files.createTempDirectory("pgroup-faults");
        database = work.resolve("pgroup.db");
        long begin = System.nanoTime();
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
            concurrentJvms(defs.resolve("redis-pair"));
            report("4 JVMs x 50 groups created at once", 1);
        }
        System.out.printf("%ntotal: %d trials run, %d processes leaked, %d ports collided, %d files left (%.0f s)%n",
                trials, leaked, collided, filesLeft, (System.nanoTime() - begin) / 1e9);
    }

    static int lastTrials, lastLeaked, lastCollided, lastFiles;

    static void report(String name, int n) {
        System.out.printf("%-36s trials %4d  leaked %d  collided %d  files left %d%n", name, trials - lastTrials,
                leaked - lastLeaked, collided - lastCollided, filesLeft - lastFiles);
        lastTrials = trials;
        lastLeaked = leaked;
        lastCollided = collided;
        lastFiles = filesLeft;
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
            if (!PortLeases.isBindable(port)) {
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
}

import dev.pgroup.core.internal.container.ContainerState;
import dev.pgroup.core.internal.container.EngineApi;
import dev.pgroup.core.internal.os.ShortCommand;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The two questions pgroup asks the engine while a container process is created and started, asked
 * over the engine's API socket (EngineApi) and through its client (a spawned `docker ... inspect`,
 * what pgroup did before), interleaved call by call: wall time per call, and the CPU the calls cost
 * this JVM, the client processes and the daemon. Run through bench/engine-calls.sh.
 */
public class EngineCallsBench {
    static final Duration CALL = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path docker = Path.of(new String(new ProcessBuilder("sh", "-c", "command -v docker").start().getInputStream().readAllBytes()).strip());
        Map<String, String> env = System.getenv();
        EngineApi api = EngineApi.of(docker, env);
        String name = "pgroup-bench-calls-" + ProcessHandle.current().pid();
        ShortCommand.run(docker, env, CALL, "run", "-d", "--rm", "--name", name, "pgroup-test/busybox", "sleep", "600");
        long daemon = ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").endsWith("/dockerd")).findFirst().orElseThrow().pid();
        try {
            List<Long> socketImage = new ArrayList<>(), clientImage = new ArrayList<>();
            List<Long> socketState = new ArrayList<>(), clientState = new ArrayList<>();
            long[] socketCpu = new long[2], clientCpu = new long[2]; // this JVM + children, daemon
            for (int i = -10; i < rounds; i++) {
                long[] c0 = cpu(daemon);
                long t0 = System.nanoTime();
                new dev.pgroup.core.internal.container.ContainerEngine("docker", docker).imageId("pgroup-test/redis:7", false, env);
                long t1 = System.nanoTime();
                ContainerState s = api.container(name, CALL);
                long t2 = System.nanoTime();
                long[] c1 = cpu(daemon);
                ShortCommand image = ShortCommand.run(docker, env, CALL, "image", "inspect", "--format", "{{.Id}}", "pgroup-test/redis:7");
                long t3 = System.nanoTime();
                ShortCommand state = ShortCommand.run(docker, env, CALL, "inspect", "--format",
                        "{{.State.Running}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", name);
                long t4 = System.nanoTime();
                long[] c2 = cpu(daemon);
                if (!s.running() || !image.ok() || !state.out().startsWith("true")) {
                    throw new IllegalStateException("unexpected answers: " + s + " " + image + " " + state);
                }
                if (i < 0) {
                    continue;
                }
                socketImage.add(t1 - t0);
                socketState.add(t2 - t1);
                clientImage.add(t3 - t2);
                clientState.add(t4 - t3);
                for (int k = 0; k < 2; k++) {
                    socketCpu[k] += c1[k] - c0[k];
                    clientCpu[k] += c2[k] - c1[k];
                }
            }
            System.out.printf("engine calls: %d rounds, interleaved; wall ms per call (median / p90)%n", rounds);
            row("image id, socket (EngineApi)", socketImage);
            row("image id, client (docker image inspect)", clientImage);
            row("container state, socket (EngineApi)", socketState);
            row("container state, client (docker inspect)", clientState);
            System.out.printf("ratio image socket / client: %.3f; state socket / client: %.3f%n",
                    median(socketImage) / median(clientImage), median(socketState) / median(clientState));
            System.out.printf("CPU ms per pair of calls (image + state): socket: JVM+children %.2f, dockerd %.2f; client: JVM+children %.2f, dockerd %.2f%n",
                    socketCpu[0] / 1e6 / rounds, socketCpu[1] / 1e6 / rounds, clientCpu[0] / 1e6 / rounds, clientCpu[1] / 1e6 / rounds);
        } finally {
            ShortCommand.run(docker, env, CALL, "rm", "-f", name);
        }
    }

    /** CPU nanoseconds of this JVM with its reaped children, and of the daemon, from /proc. */
    static long[] cpu(long daemon) throws Exception {
        return new long[] {ticks("self", true), ticks(Long.toString(daemon), false)};
    }

    static long ticks(String pid, boolean children) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]) + (children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : 0);
        return t * 10_000_000L; // USER_HZ = 100
    }

    static void row(String what, List<Long> nanos) {
        System.out.printf("  %-44s %7.2f / %7.2f%n", what, median(nanos), pct(nanos, 90));
    }

    static double median(List<Long> nanos) {
        return pct(nanos, 50);
    }

    static double pct(List<Long> nanos, int p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * p / 100.0) - 1)) / 1e6;
    }
}

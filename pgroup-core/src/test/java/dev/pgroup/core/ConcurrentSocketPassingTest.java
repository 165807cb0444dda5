package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many socket-passed groups at once: every launcher binds its own leased port, and none clash. */
class ConcurrentSocketPassingTest {
    private static final int GROUPS = 100;

    /** Echoes one line per connection, prefixed with the port of the socket it was passed on fd 3. */
    private static final String ECHO =
            """
            use Socket qw(unpack_sockaddr_in);
            open(my $listener, '+<&=', 3) or die "no socket on fd 3: $!";
            my ($port) = unpack_sockaddr_in(getsockname($listener));
            while (accept(my $client, $listener)) {
                my $line = <$client>;
                print {$client} "$port $line";
                close $client;
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void hundredSocketPassedGroupsStartedFromThreadsHaveDistinctPortsAndAnswerAtOnce() throws Exception {
        Path def = Files.createDirectories(tmp.resolve("def"));
        Files.writeString(
                def.resolve("group.toml"),
                """
                name = "echo"
                [[process]]
                name = "echo"
                command = ["perl", "echo.pl"]
                templates = ["echo.pl"]
                ports = ["main"]
                listen = ["main"]
                """);
        Files.writeString(def.resolve("echo.pl"), ECHO);
        List<Group> groups = new ArrayList<>();
        List<ProcessHandle> processes = new ArrayList<>();
        // A range of its own in the shared database: 100 leases would starve the test classes that
        // run beside this one if the default range is narrow.
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(TestEngines.DATABASE)
                .portRange(21000, 21999)
                .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Group>> started = new ArrayList<>();
                for (int i = 0; i < GROUPS; i++) {
                    started.add(pool.submit(() -> {
                        Group g = engine.create(def);
                        synchronized (groups) {
                            groups.add(g);
                        }
                        g.start(Duration.ofSeconds(120));
                        return g;
                    }));
                }
                Set<Integer> ports = new HashSet<>();
                for (int i = 0; i < GROUPS; i++) {
                    Group g = started.get(i).get();
                    int port = g.port("echo", "main");
                    assertThat(ports.add(port)).as("port %d leased twice", port).isTrue();
                    processes.add(ProcessHandle.of(
                                    g.manifest().process("echo").orElseThrow().pid())
                            .orElseThrow());
                }
                assertThat(ports).hasSize(GROUPS);
                // Every group answers on its own port, each on the first try.
                for (Group g : groups) {
                    int port = g.port("echo", "main");
                    assertThat(echo(port, "hello " + g.id())).isEqualTo(port + " hello " + g.id());
                }
            } finally {
                // Let every create and start finish (an interrupted start may leave processes behind),
                // so that each group that exists is in the list before it is terminated.
                pool.shutdown();
                assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
                ExecutorService stopper = Executors.newFixedThreadPool(8);
                List<Future<?>> terminations = new ArrayList<>();
                synchronized (groups) {
                    groups.forEach(g -> terminations.add(stopper.submit(g::terminate)));
                }
                for (Future<?> t : terminations) {
                    t.get();
                }
                stopper.shutdown();
            }
        }
        assertThat(processes).hasSize(GROUPS).noneMatch(Processes::isRunning);
    }

    private static String echo(int port, String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }
}

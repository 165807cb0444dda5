package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.StartException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Socket passing binds at start: the group's watchdog binds every passed socket before it runs
 * runsvdir, runsvdir and runsv hand them down to the run scripts, and each run script keeps its
 * own. So a socket listens before its daemon runs, a bind error fails the start with nothing
 * launched, and a daemon that runsv restarts is handed the same socket, with no refused connection.
 */
@ExtendWith(GroupsExtension.class)
class SocketPassingAtStartTest {
    private static final Duration START = Duration.ofSeconds(30);

    /** Answers each connection on fd 3 with its pid; says so in its log once it serves. */
    private static final String PID_SERVER =
            """
            open(my $listener, '+<&=', 3) or die "no socket on fd 3: $!";
            $| = 1;
            print "serving pid=$$\\n";
            while (accept(my $client, $listener)) {
                print {$client} "pid=$$\\n";
                close $client;
            }
            """;

    /**
     * Prints its pid, the protocol's variables, which of fds 3-12 are open and the port of each
     * socket among them.
     */
    private static final String FD_PRINTER =
            """
            use Socket qw(unpack_sockaddr_in);
            $| = 1;
            my @open;
            for my $fd (3 .. 12) {
                open(my $h, '+<&=', $fd) or next;
                my $name = getsockname($h);
                push @open, $fd . ':' . ($name ? (unpack_sockaddr_in($name))[0] : 'file');
            }
            print "pid=$$ LISTEN_PID=", ($ENV{LISTEN_PID} // '-'), " LISTEN_FDS=", ($ENV{LISTEN_FDS} // '-'),
                " NGINX=", ($ENV{NGINX} // '-'), " fds=", join(',', @open), "\\n";
            sleep 1 while 1;
            """;

    @Test
    void socketOfAProcessThatWaitsForAnotherListensBeforeItsDaemonRuns(Groups groups) throws IOException {
        // "web" starts only once "probe" is ready, and "probe" becomes ready by connecting to web's
        // port: that works only if the port listened before web's run script ran.
        Path def = groups.definition(
                """
                [[process]]
                name = "probe"
                command = ["perl", "-MIO::Socket::INET", "-e", "$| = 1; print IO::Socket::INET->new(PeerAddr => '127.0.0.1:{{ports.web.http}}') ? \\"probe accepted\\n\\" : \\"probe refused: $@\\n\\"; sleep 1 while 1"]
                ready = { log = "probe (accepted|refused)" }

                [[process]]
                name = "web"
                command = ["perl", "server.pl"]
                templates = ["server.pl"]
                ports = ["http"]
                listen = ["http"]
                after = ["probe"]
                """);
        Files.writeString(def.resolve("server.pl"), PID_SERVER);
        Group group = groups.create(def);

        group.start(START);

        assertThat(group.logTail("probe", 5))
                .as("web's port accepted before web's daemon ran")
                .anySatisfy(l -> assertThat(l).endsWith("probe accepted"));
        assertThat(request(group.port("web", "http")))
                .isEqualTo(
                        "pid=" + group.manifest().process("web").orElseThrow().pid());
    }

    @Test
    void daemonKilledWithSigkillIsHandedTheSameSocketAndNoConnectionIsRefused(Groups groups) throws Exception {
        Path def = groups.definition(
                """
                [[process]]
                name = "web"
                command = ["perl", "server.pl"]
                templates = ["server.pl"]
                ports = ["http"]
                listen = ["http"]
                """);
        Files.writeString(def.resolve("server.pl"), PID_SERVER);
        Group group = groups.create(def);
        group.start(START);
        int port = group.port("web", "http");
        long first = group.manifest().process("web").orElseThrow().pid();
        assertThat(request(port)).isEqualTo("pid=" + first);

        ProcessHandle daemon = ProcessHandle.of(first).orElseThrow();
        assertThat(daemon.destroyForcibly()).isTrue(); // SIGKILL
        daemon.onExit().get(10, TimeUnit.SECONDS);

        // The daemon is gone and runsv has not restarted it yet (it waits 1 s after a young
        // service's exit): the connection must still be taken, and served by the next daemon.
        String answer = request(port);

        assertThat(answer).startsWith("pid=").isNotEqualTo("pid=" + first);
        // runsv writes the new pid to its status file after the fork; under load the new daemon
        // can answer before that, so the status is waited for.
        assertThat(answer).as("served by the daemon runsv restarted").isEqualTo("pid=" + restartedPid(group, first));
    }

    @Test
    void lighttpdKilledWithSigkillAnswersTheNextRequestWithoutARefusal(Groups groups) throws Exception {
        Path lighttpd = Daemons.require("lighttpd");
        Group group = groups.withEnvironment(Daemons.environmentWith(lighttpd))
                .create(Path.of("..", "examples", "socket-passing", "lighttpd")
                        .toAbsolutePath()
                        .normalize());
        group.start(START);
        int port = group.port("web", "http");
        ProcessHandle first = ProcessHandle.of(
                        group.manifest().process("web").orElseThrow().pid())
                .orElseThrow();
        assertThat(first.destroyForcibly()).isTrue();
        first.onExit().get(10, TimeUnit.SECONDS);

        String response = Daemons.httpGet(port, "/");

        assertThat(response).startsWith("HTTP/1.0 200 OK").contains("hello from lighttpd");
        assertThat(restartedPid(group, first.pid()))
                .as("runsv restarted lighttpd")
                .isPositive();
    }

    @Test
    void bindErrorAtTheFirstStartNamesTheProcessAndPortAndLeavesNothingBehind(Groups groups) throws IOException {
        Group group = groups.create(
                """
                [[process]]
                name = "first"
                command = ["sleep", "60"]
                ports = ["http"]
                listen = ["http"]

                [[process]]
                name = "second"
                command = ["sleep", "60"]
                ports = ["http"]
                listen = ["http"]
                """);
        int bound = group.port("first", "http");
        int stolen = group.port("second", "http");
        StartException e;
        try (ServerSocket thief = new ServerSocket()) {
            thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), stolen));

            e = catchThrowableOfType(StartException.class, () -> group.start(START));
        }

        assertThat(e.process()).isEqualTo("second");
        assertThat(e.getMessage())
                .contains("cannot listen on 127.0.0.1:" + stolen + " (port \"http\" of process \"second\")");
        assertThat(group.isRunning()).isFalse();
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.HAS_NEVER_RUN));
        for (String process : List.of("first", "second")) {
            assertThat(group.directory().resolve(process).resolve("supervise"))
                    .as("no runsv ever ran for %s", process)
                    .doesNotExist();
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound));
            assertThat(again.isBound())
                    .as("the socket bound before the failure was closed")
                    .isTrue();
        }
        // The ports are still the group's: the next start, with the port free again, works.
        group.start(START);
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
    }

    @Test
    void eachRunScriptKeepsItsOwnSocketsAndClosesTheGroupsOthers(Groups groups) throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "reads /proc");
        Path def = groups.definition(
                """
                [[process]]
                name = "one"
                command = ["perl", "fds.pl"]
                templates = ["fds.pl"]
                ports = ["http"]
                listen = ["http"]

                [[process]]
                name = "two"
                command = ["perl", "fds.pl"]
                templates = ["fds.pl"]
                ports = ["http", "admin"]
                listen = ["http", "admin"]
                listen_protocol = "nginx"

                [[process]]
                name = "plain"
                command = ["perl", "fds.pl"]
                templates = ["fds.pl"]
                """);
        Files.writeString(def.resolve("fds.pl"), FD_PRINTER);
        Group group = groups.create(def);
        group.start(START);

        String line = "pid=(\\d+) LISTEN_PID=(\\S+) LISTEN_FDS=(\\S+) NGINX=(\\S+) fds=(\\S*)$";
        Matcher one = Daemons.awaitLogLine(group, "one", line, Duration.ofSeconds(10));
        Matcher two = Daemons.awaitLogLine(group, "two", line, Duration.ofSeconds(10));
        Matcher plain = Daemons.awaitLogLine(group, "plain", line, Duration.ofSeconds(10));

        assertThat(one.group(2)).as("LISTEN_PID").isEqualTo(one.group(1));
        assertThat(one.group(3)).isEqualTo("1");
        assertThat(one.group(5)).isEqualTo("3:" + group.port("one", "http"));
        assertThat(two.group(4)).isEqualTo("3;4;");
        assertThat(two.group(2)).as("no LISTEN_PID for nginx").isEqualTo("-");
        assertThat(two.group(5)).isEqualTo("3:" + group.port("two", "http") + ",4:" + group.port("two", "admin"));
        assertThat(plain.group(5))
                .as("a process without listen holds no socket")
                .isEmpty();
        assertThat(plain.group(3)).isEqualTo("-");
        for (String p : List.of("one", "two", "plain")) {
            long svlogd = Long.parseLong(Files.readString(group.directory().resolve(p + "/log/supervise/pid"))
                    .trim());
            assertThat(sockets(svlogd)).as("sockets of %s's svlogd", p).isEmpty();
        }
    }

    @Test
    void groupPassingMoreSocketsThanTheShellCanNameStillHandsEachProcessItsOwn(Groups groups) throws IOException {
        // 3 x 3 sockets: fds 3-11, and a POSIX shell names fds up to 9 only, so "c" (fds 9-11) goes
        // through pgroup's mover.
        StringBuilder toml = new StringBuilder();
        for (String p : List.of("a", "b", "c")) {
            toml.append("[[process]]\nname = \"")
                    .append(p)
                    .append("\"\ncommand = [\"perl\", \"fds.pl\"]\ntemplates = [\"fds.pl\"]\n")
                    .append("ports = [\"x\", \"y\", \"z\"]\nlisten = [\"x\", \"y\", \"z\"]\n\n");
        }
        Path def = groups.definition(toml.toString());
        Files.writeString(def.resolve("fds.pl"), FD_PRINTER);
        Group group = groups.create(def);
        group.start(START);

        String line = "pid=(\\d+) LISTEN_PID=(\\S+) LISTEN_FDS=(\\S+) NGINX=(\\S+) fds=(\\S*)$";
        for (String p : List.of("a", "b", "c")) {
            Matcher m = Daemons.awaitLogLine(group, p, line, Duration.ofSeconds(10));
            long supervised = group.manifest().process(p).orElseThrow().pid();
            assertThat(m.group(1)).as("%s's pid", p).isEqualTo(Long.toString(supervised));
            assertThat(m.group(2)).as("%s's LISTEN_PID", p).isEqualTo(m.group(1));
            assertThat(m.group(3)).as("%s's LISTEN_FDS", p).isEqualTo("3");
            String own = "3:" + group.port(p, "x") + ",4:" + group.port(p, "y") + ",5:" + group.port(p, "z");
            if (p.equals("c")) {
                assertThat(m.group(5))
                        .as("the mover closes the group's other sockets")
                        .isEqualTo(own);
            } else {
                // The shell cannot close fds 10 and 11: "c"'s last two sockets stay open above.
                assertThat(m.group(5)).as("%s's sockets", p).startsWith(own + ",");
            }
        }
    }

    /**
     * The pid of the group's one process once runit reports one other than {@code before}: runsv
     * writes its status after the fork, so a fast daemon may serve before the status names it.
     */
    private static long restartedPid(Group group, long before) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long pid = group.status().get(0).pid();
            if (pid != 0 && pid != before) {
                return pid;
            }
            assertThat(System.nanoTime() - deadline)
                    .as("runit reports a new pid within 10 s")
                    .isNegative();
            try {
                Thread.sleep(5); // polling a file for a condition, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** One request to our pid server: connect (must not be refused) and read its one line. */
    private static String request(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    /** The socket fds of a process, from /proc. */
    private static List<String> sockets(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }
}

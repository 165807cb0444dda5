package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket passing ({@code listen = [...]}) with real runit: pgroup binds the ports at start and the
 * run script execs the daemon with them, so they accept the moment start returns.
 */
@ExtendWith(GroupsExtension.class)
class SocketPassingTest {
    private static final Duration START = Duration.ofSeconds(30);

    /** Prints what it was passed: its pid, the LISTEN_* variables and the port of fds 3 and 4. */
    private static final String ENV_PRINTER =
            """
            use Socket qw(unpack_sockaddr_in);
            $| = 1;
            my @ports = map {
                open(my $s, '+<&=', $_) or die "fd $_: $!";
                (unpack_sockaddr_in(getsockname($s)))[0];
            } 3, 4;
            print "pid=$$ LISTEN_PID=$ENV{LISTEN_PID} LISTEN_FDS=$ENV{LISTEN_FDS}",
                " LISTEN_FDNAMES=$ENV{LISTEN_FDNAMES} fd3=$ports[0] fd4=$ports[1]\\n";
            sleep 1 while 1;
            """;

    @TempDir
    Path tmp;

    private Path definition(String toml) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("def-" + System.nanoTime()));
        Files.writeString(dir.resolve("group.toml"), toml);
        return dir;
    }

    @Test
    void listenPidIsTheSupervisedPidAndTheSocketsAreOnFdsThreeAndFourInOrder(Groups groups) throws IOException {
        Path def = definition(
                """
                [[process]]
                name = "env"
                command = ["perl", "env.pl"]
                templates = ["env.pl"]
                ports = ["http", "admin"]
                listen = ["http", "admin"]
                """);
        Files.writeString(def.resolve("env.pl"), ENV_PRINTER);
        Group group = groups.create(def);
        group.start(START);

        long supervised = group.manifest().process("env").orElseThrow().pid();
        Matcher m = Daemons.awaitLogLine(
                group,
                "env",
                "pid=(\\d+) LISTEN_PID=(\\d+) LISTEN_FDS=(\\d+) LISTEN_FDNAMES=(\\S+) fd3=(\\d+) fd4=(\\d+)",
                Duration.ofSeconds(10));
        assertThat(supervised).isPositive();
        assertThat(Long.parseLong(m.group(1))).as("the daemon's own pid").isEqualTo(supervised);
        assertThat(Long.parseLong(m.group(2))).as("LISTEN_PID").isEqualTo(supervised);
        assertThat(group.status().get(0).pid()).as("status pid").isEqualTo(supervised);
        assertThat(m.group(3)).as("LISTEN_FDS").isEqualTo("2");
        assertThat(m.group(4)).as("LISTEN_FDNAMES").isEqualTo("http:admin");
        assertThat(Integer.parseInt(m.group(5))).as("fd 3").isEqualTo(group.port("env", "http"));
        assertThat(Integer.parseInt(m.group(6))).as("fd 4").isEqualTo(group.port("env", "admin"));
    }

    @Test
    void passedDaemonStartsWithNoSignalBlockedAndSigpipeNotIgnored(Groups groups) throws IOException {
        // A JVM's children inherit SIGQUIT blocked and SIGPIPE ignored; the launcher undoes that.
        Path def = definition(
                """
                [[process]]
                name = "signals"
                command = ["perl", "signals.pl"]
                templates = ["signals.pl"]
                ports = ["http"]
                listen = ["http"]
                """);
        Files.writeString(
                def.resolve("signals.pl"),
                """
                use POSIX ();
                $| = 1;
                my $blocked = POSIX::SigSet->new;
                POSIX::sigprocmask(POSIX::SIG_BLOCK(), undef, $blocked);
                my @names = grep { $blocked->ismember(POSIX->can("SIG$_")->()) } qw(QUIT TERM INT HUP CHLD USR1);
                print "blocked=[@names] pipe=", ($SIG{PIPE} // 'DEFAULT'), "\n";
                sleep 1 while 1;
                """);
        Group group = groups.create(def);
        group.start(START);

        Matcher m = Daemons.awaitLogLine(group, "signals", "blocked=\\[(.*)\\] pipe=(\\S+)", Duration.ofSeconds(10));
        assertThat(m.group(1)).as("blocked signals").isEmpty();
        assertThat(m.group(2)).as("SIGPIPE disposition").isEqualTo("DEFAULT");
    }

    @Test
    void portStolenBetweenLeaseAndStartFailsTheStartFastWithTheBindError(Groups groups) throws IOException {
        Path def = definition(
                """
                [[process]]
                name = "web"
                command = ["sleep", "60"]
                ports = ["http"]
                listen = ["http"]
                """);
        Group group = groups.create(def);
        int port = group.port("web", "http");
        // Started and stopped once, so runit has supervised it: a bind error at the first start
        // leaves no runsv at all (SocketPassingAtStartTest), which status reports as HAS_NEVER_RUN.
        group.start(START);
        group.stop();
        try (ServerSocket thief = new ServerSocket()) {
            thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            long begin = System.nanoTime();

            StartException e = catchThrowableOfType(StartException.class, () -> group.start(START));

            assertThat(Duration.ofNanos(System.nanoTime() - begin))
                    .as("fails fast, not at the deadline")
                    .isLessThan(Duration.ofSeconds(5));
            String expected = "pgroup: cannot listen on 127.0.0.1:" + port
                    + " (port \"http\" of process \"web\"): Address already in use";
            assertThat(e.process()).isEqualTo("web");
            assertThat(e.logTail()).anySatisfy(line -> assertThat(line).endsWith(expected));
            assertThat(e.getMessage()).contains(expected);
            assertThat(group.isRunning()).isFalse();
            assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.DOWN));
        }
    }

    @Test
    void explicitReadyCheckWinsOverSocketPassedReadiness(Groups groups) throws IOException {
        Path def = definition(
                """
                [[process]]
                name = "slow"
                command = ["sh", "-c", "sleep 0.3; echo warmed-up; exec sleep 60"]
                ports = ["http"]
                listen = ["http"]
                ready = { log = "warmed-up" }
                """);
        Group group = groups.create(def);
        group.start(START);

        assertThat(group.logTail("slow", 5))
                .as("start waited for the log line, not only for the socket")
                .anySatisfy(l -> assertThat(l).endsWith("warmed-up"));
    }
}

package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port the machine refuses local connections to, whoever listens on it, is never leased: its
 * group's clients would all be refused. This machine's sandbox refuses 127.0.0.1:21053 and 22092,
 * which made ConcurrentSocketPassingTest fail whenever a group got one of them; here the refusal is
 * a real firewall rule (iptables REJECT with a TCP reset on loopback), so it needs root and
 * iptables, as CI has (docker.io brings iptables).
 */
class RefusedPortLeaseTest {
    @TempDir
    Path tmp;

    @Test
    void aPortWhoseLocalConnectionsAreRefusedIsSkippedAndCountedInTheMessage() throws Exception {
        int first = TestEngines.freeRange(2, 18_000);
        try (RejectRule refused = RejectRule.add(first);
                PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(tmp.resolve("state/pgroup.db"))
                        .portRange(first, first + 1)
                        .build()) {
            assertThat(PortLeases.isUsable(first)).as("refused on 127.0.0.1").isFalse();

            List<PortLeases.Lease> one =
                    engine.leases().lease("one-aaaaaa", Owner.DETACHED, Map.of("web", List.of("a")));
            PGroupException none = catchThrowableOfType(PGroupException.class, () -> engine.leases()
                    .lease("two-bbbbbb", Owner.DETACHED, Map.of("web", List.of("a"))));

            assertThat(one).extracting(PortLeases.Lease::port).containsExactly(first + 1);
            assertThat(none.getMessage()).contains("1 is in use by other programs or refused on 127.0.0.1");
            assertThat(engine.leases().leasesOf("two-bbbbbb")).isEmpty();
        }
    }

    /** {@code iptables -I OUTPUT -p tcp -d 127.0.0.1 --dport PORT -j REJECT --reject-with tcp-reset}, removed on close. */
    private record RejectRule(List<String> spec) implements AutoCloseable {
        static RejectRule add(int port) throws IOException, InterruptedException {
            List<String> spec = List.of(
                    "OUTPUT",
                    "-p",
                    "tcp",
                    "-d",
                    "127.0.0.1",
                    "--dport",
                    Integer.toString(port),
                    "-j",
                    "REJECT",
                    "--reject-with",
                    "tcp-reset");
            Assumptions.assumeTrue(
                    iptables("-C", spec) != 127 && iptables("-I", spec) == 0,
                    "needs root and iptables to make the machine refuse a local port");
            return new RejectRule(spec);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (iptables("-D", spec) != 0) {
                throw new IllegalStateException("could not remove the iptables rule " + spec);
            }
        }

        private static int iptables(String action, List<String> spec) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("iptables", "-w", action));
            command.addAll(spec);
            try {
                return new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor();
            } catch (IOException e) {
                return 127; // no iptables here
            }
        }
    }
}

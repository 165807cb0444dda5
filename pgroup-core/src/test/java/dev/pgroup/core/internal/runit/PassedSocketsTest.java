package dev.pgroup.core.internal.runit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.internal.definition.ListenSpec.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group's passed sockets in fd order and the shell each run script gets; the behaviour with
 * real runit is in SocketPassingAtStartTest.
 */
class PassedSocketsTest {
    private static final PassedSockets GROUP = new PassedSockets(List.of(
            new PassedSockets.Socket(3, "a", "http", 20001),
            new PassedSockets.Socket(4, "b", "http", 20002),
            new PassedSockets.Socket(5, "b", "admin", 20003),
            new PassedSockets.Socket(6, "c", "x", 20004)));

    @TempDir
    Path tmp;

    @Test
    void processInTheMiddleMovesItsSocketsToFdThreeUpAndClosesTheOthers() {
        String shell = GROUP.handOver("b", Protocol.SYSTEMD);

        assertThat(shell)
                .contains("exec 3<&4 4<&5 5<&- 6<&-\n")
                .contains("export LISTEN_FDS=2 LISTEN_FDNAMES='http:admin' LISTEN_PID=$$\n");
    }

    @Test
    void firstProcessKeepsItsSocketInPlaceAndNginxGetsItsVariable() {
        String shell = GROUP.handOver("a", Protocol.NGINX);

        assertThat(shell).contains("exec 4<&- 5<&- 6<&-\n").contains("export NGINX='3;'\n");
        assertThat(shell).doesNotContain("LISTEN_FDS=");
    }

    @Test
    void stdinProtocolPutsTheSocketOnFdZeroAndClosesEveryInheritedOne() {
        assertThat(GROUP.handOver("c", Protocol.STDIN)).contains("exec 0<&6 3<&- 4<&- 5<&- 6<&-\n");
    }

    @Test
    void processesWithoutSocketsAndLogScriptsCloseTheGroupsSockets() {
        assertThat(GROUP.closeAll()).isEqualTo("exec 3<&- 4<&- 5<&- 6<&-\n");
        assertThat(PassedSockets.NONE.closeAll()).isEmpty();
    }

    @Test
    void onlyAProcessWithASocketAboveFdNineNeedsTheMover() {
        List<PassedSockets.Socket> sockets = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sockets.add(new PassedSockets.Socket(3 + i, i < 6 ? "first" : "last", "p" + i, 20000 + i));
        }
        PassedSockets big = new PassedSockets(sockets);

        assertThat(big.needsMover("first")).isFalse();
        assertThat(big.needsMover("last")).isTrue();
        assertThat(big.closeAll()).as("the shell closes what it can name").endsWith(" 9<&-\n");
    }

    @Test
    void writtenSocketsReadBackAndTheWatchdogGetsThemInFdOrder() throws IOException {
        Path file = tmp.resolve("sockets");

        GROUP.write(file);

        assertThat(PassedSockets.read(file)).isEqualTo(GROUP);
        assertThat(GROUP.watchdogArguments())
                .containsExactly("20001:a:http", "20002:b:http", "20003:b:admin", "20004:c:x");
        assertThat(PassedSockets.read(tmp.resolve("missing"))).isEqualTo(PassedSockets.NONE);
    }

    @Test
    void damagedSocketsFileIsAnErrorNamingIt() throws IOException {
        Path file = tmp.resolve("sockets");
        Files.writeString(file, "4 20001 a http\n");

        assertThatThrownBy(() -> PassedSockets.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("damaged");
    }
}

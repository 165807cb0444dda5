package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgroup.PGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Leaves the leftover that pgroup:prune must clean: a group whose runsvdir died. */
class OrphanIT {

    @Test
    void killingRunsvdirLeavesItsRunsvAndRedisRunningOrphaned() throws Exception {
        PGroup group = PGroup.current();
        String pidLine = Files.readString(group.directory().resolve(".pgroup/runsvdir.pid")).trim();
        ProcessHandle runsvdir = ProcessHandle.of(Long.parseLong(pidLine.split("\\s+")[0]))
                .orElseThrow(() -> new AssertionError("runsvdir " + pidLine + " does not run"));
        List<ProcessHandle> below = runsvdir.descendants().toList();
        assertTrue(below.size() >= 3, "runsv, redis-server and svlogd run under runsvdir: " + describe(below));
        // verify.groovy checks that these are gone after the build.
        Files.writeString(
                Path.of("target/orphans.txt"),
                below.stream().map(p -> p.pid() + " " + describe(p)).collect(Collectors.joining("\n", "", "\n")));

        runsvdir.destroyForcibly(); // SIGKILL: runsvdir cannot stop its children
        runsvdir.onExit().get(10, TimeUnit.SECONDS);

        List<ProcessHandle> orphans = below.stream().filter(ProcessHandle::isAlive).toList();
        assertEquals(below, orphans, "runsvdir's processes outlive it");
        assertEquals("+PONG", ping(group.port("redis", "main")), "redis-server still serves");
    }

    private static String describe(List<ProcessHandle> ps) {
        return ps.stream().map(p -> p.pid() + " " + describe(p)).collect(Collectors.joining(", "));
    }

    private static String describe(ProcessHandle p) {
        return p.info().commandLine().orElse("?");
    }

    private static String ping(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}

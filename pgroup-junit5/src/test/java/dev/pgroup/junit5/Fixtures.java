package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through JUnit's EngineTestKit, and checks what groups leave behind. */
final class Fixtures {
    static final Path BASE_DIR = Path.of(System.getProperty("pgroup.baseDir")).toAbsolutePath();
    static final Path DATABASE = Path.of(System.getProperty("pgroup.database")).toAbsolutePath();

    private Fixtures() {}

    static EngineExecutionResults run(Class<?> fixture) {
        return run(fixture, Map.of());
    }

    static EngineExecutionResults run(Class<?> fixture, Map<String, String> parameters) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(DiscoverySelectors.selectClass(fixture))
                .configurationParameter(OnlyInTestKit.PARAMETER, "true")
                // The test kit reads no system properties; the extension falls back to them, but
                // say it here too: these tests must never touch ~/.pgroup.
                .configurationParameter("pgroup.baseDir", BASE_DIR.toString())
                .configurationParameter("pgroup.database", DATABASE.toString())
                .configurationParameters(parameters)
                .execute();
    }

    static PGroupEngine engine() {
        return PGroupEngine.builder().baseDir(BASE_DIR).database(DATABASE).build();
    }

    /** No group dir, no registered group (so no lease) and no process of this module's base dir. */
    static void assertNothingLeft() {
        try (PGroupEngine engine = engine()) {
            assertThat(engine.groupIds()).as("group dirs in " + BASE_DIR).isEmpty();
            assertThat(engine.list().stream().map(GroupInfo::directory).filter(d -> d.startsWith(BASE_DIR)))
                    .as("registered groups")
                    .isEmpty();
        }
        assertThat(processesUnder(BASE_DIR)).as("processes").isEmpty();
    }

    /**
     * Live processes whose command line names a path under {@code dir} (runsvdir, runsv, svlogd)
     * or whose working dir lies there (the services). Linux's /proc; elsewhere nothing is found.
     */
    static List<String> processesUnder(Path dir) {
        List<String> out = new ArrayList<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return out;
        }
        String root = dir.toString();
        try (Stream<Path> all = Files.list(proc)) {
            for (Path p : all.toList()) {
                String pid = p.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String cwd = Files.readSymbolicLink(p.resolve("cwd")).toString();
                    boolean zombie = Files.readString(p.resolve("stat")).contains(") Z ");
                    if (!zombie && (cmd.contains(root) || cwd.startsWith(root))) {
                        out.add(pid + " " + cmd);
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Redis answers PING on this port. */
    static String ping(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "no answer: " + e;
        }
    }
}

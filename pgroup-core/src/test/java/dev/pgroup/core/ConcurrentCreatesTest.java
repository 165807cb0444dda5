package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates from many threads in several JVMs at once, against one database: every one succeeds and
 * every leased port is distinct. Not a timing test: it checks that the connection pool, the writers'
 * turns and the SQLITE_BUSY retries lose nothing and fail nothing.
 */
class ConcurrentCreatesTest {
    private static final int CHILD_JVMS = 3;
    private static final int THREADS = 8;
    private static final int PER_THREAD = 5;
    private static final int PORTS_PER_GROUP = 3;

    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void manyThreadsInSeveralJvmsCreateGroupsAtOnceWithDistinctPortsAndNoError() throws Exception {
        Path definition = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "a"
                command = ["sleep", "60"]
                ports = ["main", "admin"]
                [[process]]
                name = "b"
                command = ["sleep", "60"]
                ports = ["main"]
                """);
        Path database = tmp.resolve("state/pgroup.db");
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base-parent"))
                .database(database)
                .build()) {
            engine.list();
            for (int i = 0; i < CHILD_JVMS; i++) {
                Process child = launch(tmp.resolve("base-" + i), database, definition);
                children.add(child);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                outputs.add(out);
                assertThat(out.readLine()).isEqualTo("warm");
            }
            try {
                // Every JVM is warm; now all create at once, this one too.
                children.forEach(c -> say(c, "go"));
                lines.addAll(CreatorChild.createConcurrently(engine, definition, THREADS, PER_THREAD, groups));
                for (BufferedReader out : outputs) {
                    String line;
                    while ((line = out.readLine()) != null && !line.equals("done")) {
                        lines.add(line);
                    }
                }
            } finally {
                children.forEach(c -> say(c, "exit"));
                for (Process c : children) {
                    c.waitFor();
                }
                groups.forEach(Group::terminate);
            }
        }

        assertThat(lines).filteredOn(l -> l.startsWith("error")).isEmpty();
        List<String> ports = lines.stream().filter(l -> l.startsWith("port ")).toList();
        int expected = (CHILD_JVMS + 1) * THREADS * PER_THREAD * PORTS_PER_GROUP;
        assertThat(ports).hasSize(expected);
        Set<String> distinct = new HashSet<>(ports);
        assertThat(distinct).as("each port leased once").hasSize(expected);
        for (int i = 0; i < CHILD_JVMS; i++) {
            try (var left = Files.list(tmp.resolve("base-" + i))) {
                assertThat(left.toList())
                        .as("child " + i + " terminated its groups")
                        .isEmpty();
            }
        }
    }

    private static Process launch(Path base, Path database, Path definition) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CreatorChild.class.getName(),
                        base.toString(),
                        database.toString(),
                        definition.toString(),
                        Integer.toString(THREADS),
                        Integer.toString(PER_THREAD))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void say(Process child, String line) {
        try {
            OutputStream in = child.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            // The child is gone; its missing output fails the test.
        }
    }
}

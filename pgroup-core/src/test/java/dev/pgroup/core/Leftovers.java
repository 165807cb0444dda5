package dev.pgroup.core;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finds every process a test's groups started, however it detached: the engine's environment
 * carries a marker variable, every process under runit inherits it (a daemon that double-forks,
 * calls setsid or changes its dir keeps its environment), and {@code /proc/PID/environ} shows it.
 * A daemon that rewrites its process title over its environment (redis-server does) is caught by its
 * working dir instead, which lies in the test's own temp dir. Linux only, which is where CI runs.
 */
final class Leftovers {
    static final String VARIABLE = "PGROUP_TEST_MARK";

    final String mark = UUID.randomUUID().toString();
    private final String root;

    /** @param root the test's temp dir, holding its groups */
    Leftovers(Path root) {
        this.root = root.toAbsolutePath().normalize().toString();
    }

    /** This JVM's environment plus the marker, for the engine. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(VARIABLE, mark);
        return env;
    }

    /** The live (non-zombie) processes carrying the marker, as "pid command" lines. */
    List<String> running() {
        String needle = VARIABLE + "=" + mark;
        List<String> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    long pid = Long.parseLong(name);
                    String cwd = cwd(p);
                    if ((environ.contains(needle) || cwd.equals(root) || cwd.startsWith(root + "/"))
                            && ProcessHandle.of(pid)
                                    .filter(Processes::isRunning)
                                    .isPresent()) {
                        String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                        out.add(pid + " " + cmd.trim());
                    }
                } catch (IOException | RuntimeException e) {
                    // Gone meanwhile, or not ours to read.
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return out;
    }

    private static String cwd(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("cwd")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** The marked processes still running after {@code within}: empty when nothing leaked. */
    List<String> after(Duration within) {
        List<String>[] last = new List[] {List.of()};
        Deadline.in(within).await(() -> (last[0] = running()).isEmpty(), Duration.ofMillis(20));
        return last[0];
    }

    /** Kills what a failing test leaked, so that one failure does not leave processes behind. */
    void killAll() {
        for (String line : running()) {
            ProcessHandle.of(Long.parseLong(line.substring(0, line.indexOf(' '))))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}

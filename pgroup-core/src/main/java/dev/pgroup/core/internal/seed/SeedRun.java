package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.Placeholders;
import dev.pgroup.core.internal.definition.Placeholders.UnknownPlaceholder;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.LogTail;
import dev.pgroup.core.internal.os.Spawning;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a seed's command: in its work dir, as the process's user, with {@code {{seed.dir}}},
 * {@code {{seed.port}}} and {@code {{definition.dir}}}, its output in a log. A seed that exits
 * non-zero or outlives its timeout (killed, with what it started) fails with its log's tail.
 */
final class SeedRun {
    private static final int TAIL_LINES = 20;

    private SeedRun() {}

    /** The seed's command rendered, its program resolved; wrong placeholders fail as definition errors. */
    static List<String> command(
            GroupDefinition definition,
            ProcessDefinition p,
            Path workDir,
            int port,
            Map<String, String> environment,
            List<String> userPrefix) {
        Map<String, String> values = new HashMap<>();
        values.put(SeedPlaceholders.DIR, workDir.toString());
        values.put(SeedPlaceholders.PORT, Integer.toString(port));
        values.put("definition.dir", definition.directory().toString());
        values.put("group.name", definition.name());
        values.put("process.name", p.name());
        String notHere = "a seed runs once per machine, for no group in particular; it has {{seed.dir}},"
                + " {{seed.port}}, {{definition.dir}}, {{group.name}}, {{process.name}} and {{env.VAR}}";
        Map<String, String> unavailable = new HashMap<>();
        for (String name : List.of("group.id", "group.dir", "process.id", "process.dir", "process.log")) {
            unavailable.put(name, notHere);
        }
        Placeholders ph = new Placeholders(values, environment, unavailable);
        List<String> command = new ArrayList<>(userPrefix);
        for (int i = 0; i < p.seed().command().size(); i++) {
            try {
                command.add(ph.render(p.seed().command().get(i)));
            } catch (UnknownPlaceholder e) {
                throw fail(definition, p, "seed.command[" + i + "]", e.getMessage());
            }
        }
        int program = userPrefix.size();
        String path = environment.getOrDefault("PATH", "");
        Path resolved = Executables.find(command.get(program), path)
                .orElseThrow(() -> fail(
                        definition,
                        p,
                        "seed.command[0]",
                        "program '" + command.get(program) + "' "
                                + (command.get(program).contains("/")
                                        ? "is not an executable file"
                                        : "is not on PATH (" + path + ")")));
        command.set(program, resolved.toString());
        return command;
    }

    /** Runs the rendered command; returns normally when it exited 0 within the timeout. */
    static void run(
            ProcessDefinition p,
            String key,
            List<String> command,
            Path workDir,
            Path log,
            Map<String, String> environment) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process process;
        try {
            process = Spawning.start(pb);
        } catch (IOException e) {
            throw new PGroupException(what(p, key) + " could not start: " + e, e);
        }
        long timeout = p.seed().timeout().toMillis();
        // A JVM that exits while the seed runs (Ctrl-C, TERM) takes the seed and its server along.
        Thread onExit = new Thread(() -> killTree(process), "pgroup-seed-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            if (!process.waitFor(timeout, TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new PGroupException(what(p, key) + " did not finish within its timeout of " + timeout
                        + " ms (seed.timeout) and was killed, with what it started" + tail(log));
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new PGroupException(what(p, key) + " was interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook runs.
            }
        }
        if (process.exitValue() != 0) {
            throw new PGroupException(what(p, key) + " failed with exit status " + process.exitValue()
                    + "; nothing was cached" + tail(log));
        }
    }

    static String what(ProcessDefinition p, String key) {
        return "the seed of process \"" + p.name() + "\" (key " + key + ")";
    }

    private static String tail(Path log) {
        List<String> lines = LogTail.read(log, TAIL_LINES);
        return lines.isEmpty() ? "; it wrote nothing" : "; its output ends with:\n  " + String.join("\n  ", lines);
    }

    /** The list is taken before the parent dies: then its children are orphans no one can name. */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DefinitionException fail(GroupDefinition d, ProcessDefinition p, String key, String problem) {
        return new DefinitionException(d.file(), p.seed().line(), p.name(), key, problem);
    }
}

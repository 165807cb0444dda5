package dev.pgroup.core.internal;

import dev.pgroup.core.DefinitionException;
import dev.pgroup.core.internal.Placeholders.UnknownPlaceholder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a definition for one group: placeholders in commands, env and ready checks, and the
 * program looked up on PATH. Templates are rendered by {@link #renderTemplate}.
 */
public final class GroupPlanner {
    private final GroupDefinition definition;
    private final String groupId;
    private final GroupLayout layout;
    private final Map<String, String> environment;
    private final Map<String, Map<String, Integer>> ports;

    /**
     * @param environment the environment pgroup runs in: {@code {{env.VAR}}} and PATH come from it
     * @param ports leased ports, by process then port name
     */
    public GroupPlanner(
            GroupDefinition definition,
            String groupId,
            GroupLayout layout,
            Map<String, String> environment,
            Map<String, Map<String, Integer>> ports) {
        this.definition = definition;
        this.groupId = groupId;
        this.layout = layout;
        this.environment = environment;
        this.ports = ports;
    }

    public List<ProcessPlan> plan() {
        List<ProcessPlan> plans = new ArrayList<>();
        for (ProcessDefinition p : definition.processes()) {
            plans.add(plan(p));
        }
        return plans;
    }

    /** The placeholders one process's strings and templates may use. */
    public Placeholders placeholders(String process) {
        Map<String, String> values = new HashMap<>();
        values.put("group.id", groupId);
        values.put("group.name", definition.name());
        values.put("group.dir", layout.directory().toString());
        values.put("process.id", processId(process));
        values.put("process.name", process);
        values.put("process.dir", layout.serviceDir(process).toString());
        values.put("process.log", layout.logFile(process).toString());
        ports.getOrDefault(process, Map.of()).forEach((name, port) -> values.put("port." + name, port.toString()));
        ports.forEach((proc, byName) ->
                byName.forEach((name, port) -> values.put("ports." + proc + "." + name, port.toString())));
        return new Placeholders(values, environment);
    }

    public String processId(String process) {
        return groupId + "." + process;
    }

    private ProcessPlan plan(ProcessDefinition p) {
        Placeholders ph = placeholders(p.name());
        List<String> command = new ArrayList<>();
        for (int i = 0; i < p.command().size(); i++) {
            command.add(render(ph, p.command().get(i), p, "command", "command[" + i + "]"));
        }
        Map<String, String> env = new LinkedHashMap<>();
        definition.env().forEach((k, v) -> env.put(k, render(ph, v, null, "env." + k, "env." + k)));
        p.env().forEach((k, v) -> env.put(k, render(ph, v, p, "env", "env." + k)));

        Path serviceDir = layout.serviceDir(p.name());
        Path workdir = serviceDir;
        if (p.workdir() != null) {
            workdir = serviceDir
                    .resolve(render(ph, p.workdir(), p, "workdir", "workdir"))
                    .normalize();
        }

        String path = env.getOrDefault("PATH", environment.getOrDefault("PATH", ""));
        String program = command.get(0);
        Path resolved;
        if (program.contains("/")) {
            resolved = workdir.resolve(program).normalize();
            // A relative program may be a rendered template; that is checked after rendering.
        } else {
            resolved = Executables.find(program, path)
                    .orElseThrow(() -> new DefinitionException(
                            definition.file(),
                            p.line("command"),
                            p.name(),
                            "command[0]",
                            "program '" + program + "' not found on PATH (" + path + ")"));
        }
        command.set(0, resolved.toString());

        Map<String, Integer> own = ports.getOrDefault(p.name(), Map.of());
        String readyTarget =
                switch (p.ready().kind()) {
                    case TCP -> own.get(p.ready().argument()).toString();
                    case HTTP -> {
                        String arg = p.ready().argument();
                        int colon = arg.indexOf(':');
                        yield "http://127.0.0.1:" + own.get(arg.substring(0, colon)) + arg.substring(colon + 1);
                    }
                    case LOG -> render(ph, p.ready().argument(), p, "ready", "ready.log");
                    case COMMAND, NONE -> "";
                    case SOCKET_PASSED -> p.listen().ports().stream()
                            .map(name -> "127.0.0.1:" + own.get(name))
                            .collect(java.util.stream.Collectors.joining(" "));
                };
        return new ProcessPlan(
                p.name(),
                processId(p.name()),
                serviceDir,
                layout.logDir(p.name()),
                workdir,
                command,
                env,
                own,
                p.ready().kind(),
                readyTarget,
                passing(p, own, path),
                p.after(),
                p.stopSignal(),
                p.stopTimeout(),
                p.restart());
    }

    private SocketPassing passing(ProcessDefinition p, Map<String, Integer> own, String path) {
        if (p.listen().isEmpty()) {
            return null;
        }
        Path perl = Executables.find("perl", path)
                .orElseThrow(() -> new DefinitionException(
                        definition.file(),
                        p.line("listen"),
                        p.name(),
                        "listen",
                        "socket passing runs pgroup's perl launcher, but perl is not on PATH (" + path + ")"));
        Map<String, Integer> passed = new LinkedHashMap<>();
        p.listen().ports().forEach(name -> passed.put(name, own.get(name)));
        return new SocketPassing(
                p.listen().protocol(), passed, perl, layout.listenLauncher(), layout.listenMarker(p.name()));
    }

    /** The rendered ready command, run by the generated {@code check} script. */
    public List<String> readyCommand(ProcessDefinition p) {
        Placeholders ph = placeholders(p.name());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.ready().command().size(); i++) {
            out.add(render(ph, p.ready().command().get(i), p, "ready", "ready.command[" + i + "]"));
        }
        return out;
    }

    /**
     * Renders one template of {@code process} into its service dir. Errors name the template file and
     * line.
     */
    public void renderTemplate(ProcessDefinition process, String template) throws IOException {
        Path source = definition.directory().resolve(template);
        Placeholders ph = placeholders(process.name());
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            try {
                out.append(ph.render(lines.get(i))).append('\n');
            } catch (UnknownPlaceholder e) {
                throw new DefinitionException(source, i + 1, process.name(), e.placeholder(), e.getMessage());
            }
        }
        Path target = layout.serviceDir(process.name()).resolve(template);
        if (!target.normalize().startsWith(layout.serviceDir(process.name()))) {
            throw new DefinitionException(
                    source, 0, process.name(), "templates", "'" + template + "' escapes the process dir");
        }
        Files.createDirectories(target.getParent());
        if (Files.isExecutable(source)) {
            Spawning.writeExecutable(target, out); // a rendered script may be the program itself
        } else {
            Files.writeString(target, out, StandardCharsets.UTF_8);
            FilePermissions.makePrivate(target);
        }
    }

    private String render(Placeholders ph, String text, ProcessDefinition p, String lineKey, String shownKey) {
        try {
            return ph.render(text);
        } catch (UnknownPlaceholder e) {
            return failRender(p, lineKey, shownKey, e);
        }
    }

    private String failRender(ProcessDefinition p, String lineKey, String shownKey, UnknownPlaceholder e) {
        int line = p == null ? 0 : p.line(lineKey);
        throw new DefinitionException(definition.file(), line, p == null ? null : p.name(), shownKey, e.getMessage());
    }
}

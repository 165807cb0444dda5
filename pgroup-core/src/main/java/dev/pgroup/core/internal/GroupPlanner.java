package dev.pgroup.core.internal;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.Placeholders;
import dev.pgroup.core.internal.definition.Placeholders.UnknownPlaceholder;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.ExecutableCache;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.ProcessPlan;
import dev.pgroup.core.internal.runit.ProcessUsers;
import dev.pgroup.core.internal.runit.SocketPassing;
import dev.pgroup.core.internal.seed.SeedPlaceholders;
import dev.pgroup.core.internal.start.ContainerTcpCheck;
import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a definition for one group: placeholders in commands, env and ready checks, and the
 * program looked up on PATH. {@link ProcessDirWriter} writes the templates and files.
 */
public final class GroupPlanner {
    private final GroupDefinition definition;
    private final String groupId;
    private final GroupLayout layout;
    private final Map<String, String> environment;
    private final Map<String, Map<String, Integer>> ports;
    private final ProjectPaths project;
    private final ProgramResolver programs;
    private final ContainerPlanner containers;
    private final Map<String, ProcessPlan> plans = new HashMap<>();
    private ProcessUsers users;
    private String definitionDirGone;

    /**
     * The project a group serves: {@code {{project.dir}}}, {@code {{project.build.dir}}} and
     * {@code {{project.artifact}}} (null: the build made none, or it is not known).
     */
    public record ProjectPaths(Path dir, Path buildDir, Path artifact) {}

    /**
     * @param environment the environment pgroup runs in: {@code {{env.VAR}}} and PATH come from it
     * @param ports leased ports, by process then port name
     * @param project the project the group serves, for the {@code project.*} placeholders
     */
    public GroupPlanner(
            GroupDefinition definition,
            String groupId,
            GroupLayout layout,
            Map<String, String> environment,
            Map<String, Map<String, Integer>> ports,
            ProjectPaths project) {
        this.definition = definition;
        this.project = project;
        this.groupId = groupId;
        this.layout = layout;
        this.environment = environment;
        this.ports = ports;
        this.programs = new ProgramResolver(definition, environment);
        this.containers = new ContainerPlanner(definition, groupId, layout, environment);
    }

    /** Runs the processes that have a {@code user} as that user (pgroup running as root). */
    GroupPlanner runAs(ProcessUsers users) {
        this.users = users;
        return this;
    }

    /**
     * Gives a process no {@code {{definition.dir}}}, for a definition dir that is gone once create
     * returns (a {@code GroupSpec}'s): a path into it would fail only when the process runs.
     *
     * @param why what the error says instead
     */
    public GroupPlanner withoutDefinitionDir(String why) {
        this.definitionDirGone = why;
        return this;
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
        if (definitionDirGone == null) {
            values.put("definition.dir", definition.directory().toString());
        }
        values.put("process.id", processId(process));
        values.put("process.name", process);
        values.put("process.dir", layout.serviceDir(process).toString());
        values.put("process.log", layout.logFile(process).toString());
        values.put("project.dir", project.dir().toString());
        values.put("project.build.dir", project.buildDir().toString());
        if (project.artifact() != null) {
            values.put("project.artifact", project.artifact().toString());
        }
        ports.getOrDefault(process, Map.of()).forEach((name, port) -> values.put("port." + name, port.toString()));
        ports.forEach((proc, byName) ->
                byName.forEach((name, port) -> values.put("ports." + proc + "." + name, port.toString())));
        Map<String, String> unavailable = new HashMap<>(SeedPlaceholders.ONLY_IN_A_SEED);
        if (definitionDirGone != null) {
            unavailable.put("definition.dir", definitionDirGone);
        }
        if (project.artifact() == null) {
            unavailable.put(
                    "project.artifact",
                    "the project's build made no artifact that pgroup knows of: the Maven plugin passes"
                            + " the jar that package made (run create after package, e.g. in"
                            + " pre-integration-test); the pgroup command takes --artifact");
        }
        return new Placeholders(values, environment, unavailable);
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
            workdir =
                    ProcessWorkdir.resolve(definition, p, render(ph, p.workdir(), p, "workdir", "workdir"), serviceDir);
        }

        Map<String, Integer> own = ports.getOrDefault(p.name(), Map.of());
        ContainerPlan container = null;
        if (p.isContainer()) {
            ContainerPlanner.Planned planned = containers.plan(p, command, env, workdir, own);
            command = planned.command();
            container = planned.container();
        } else {
            // A relative program may be a rendered template: whether it can run is checked after rendering.
            command.set(
                    0,
                    programs.resolve(command.get(0), workdir, env, p, "command", "command[0]")
                            .toString());
            if (users != null && !users.commandPrefix(p.name()).isEmpty()) {
                // runit's chpst switches user and execs: the pid runsv watches stays the process's.
                programs.requireExecutable(p, Path.of(command.get(0)), "command", "command[0]");
                command.addAll(0, users.commandPrefix(p.name()));
            }
        }

        String readyTarget =
                switch (p.ready().kind()) {
                        // Behind the engine's proxy a connect succeeds before the container listens.
                    case TCP -> p.isContainer()
                            ? ContainerTcpCheck.target(
                                    own.get(p.ready().argument()),
                                    p.container().publish().get(p.ready().argument()),
                                    container.engine(),
                                    container.name())
                            : own.get(p.ready().argument()).toString();
                    case HTTP -> {
                        String arg = p.ready().argument();
                        int colon = arg.indexOf(':');
                        yield "http://127.0.0.1:" + own.get(arg.substring(0, colon)) + arg.substring(colon + 1);
                    }
                    case LOG -> render(ph, p.ready().argument(), p, "ready", "ready.log");
                    case COMMAND, NONE -> "";
                    case EXIT -> p.ready().argument();
                    case SOCKET_PASSED -> p.listen().ports().stream()
                            .map(name -> "127.0.0.1:" + own.get(name))
                            .collect(java.util.stream.Collectors.joining(" "));
                };
        ProcessPlan plan = new ProcessPlan(
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
                passing(p, own, env.getOrDefault("PATH", environment.getOrDefault("PATH", ""))),
                p.after(),
                p.stopSignal(),
                p.stopTimeout(),
                p.restart(),
                container);
        plans.put(p.name(), plan);
        return plan;
    }

    private SocketPassing passing(ProcessDefinition p, Map<String, Integer> own, String path) {
        if (p.listen().isEmpty()) {
            return null;
        }
        Path perl = ExecutableCache.find("perl", path)
                .orElseThrow(() -> new DefinitionException(
                        definition.file(),
                        p.line("listen"),
                        p.name(),
                        "listen",
                        "socket passing moves sockets with perl in large groups, but perl is not on PATH (" + path
                                + ")"));
        Map<String, Integer> passed = new LinkedHashMap<>();
        p.listen().ports().forEach(name -> passed.put(name, own.get(name)));
        return new SocketPassing(p.listen().protocol(), passed, perl, layout.listenLauncher());
    }

    /**
     * The rendered ready command, run by the generated {@code check} script, its program resolved
     * as {@code command[0]} is: on PATH, or against the workdir. Checked here, at create: a missing
     * program would only show at start, as a check that fails until the timeout.
     */
    public List<String> readyCommand(ProcessDefinition p) {
        Placeholders ph = placeholders(p.name());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.ready().command().size(); i++) {
            out.add(render(ph, p.ready().command().get(i), p, "ready", "ready.command[" + i + "]"));
        }
        if (out.isEmpty()) {
            return out;
        }
        ProcessPlan plan = plans.containsKey(p.name()) ? plans.get(p.name()) : plan(p);
        Path program = programs.resolve(out.get(0), plan.workdir(), plan.env(), p, "ready", "ready.command[0]");
        programs.requireExecutable(p, program, "ready", "ready.command[0]");
        out.set(0, program.toString());
        return out;
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

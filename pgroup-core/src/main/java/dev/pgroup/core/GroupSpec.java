package dev.pgroup.core;

import dev.pgroup.core.internal.definition.Names;
import dev.pgroup.core.internal.definition.TomlText;
import dev.pgroup.core.model.DefinitionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A group defined in Java, for tests that want no definition directory. It says what a {@code
 * group.toml} says, and goes through the same checks:
 *
 * <pre>{@code
 * GroupSpec cache = GroupSpec.named("cache")
 *         .process("redis", p -> p.command("redis-server", "--port", "{{port.main}}")
 *                 .ports("main")
 *                 .readyTcp("main"));
 * try (Group group = engine.create(cache)) { ... }
 * }</pre>
 *
 * <p>Immutable: every method returns a new spec, so one spec can be shared by many tests. Names
 * (of the group, processes and ports) are checked at once and fail with {@link
 * IllegalArgumentException}; everything else is checked by {@link PGroupEngine#create(GroupSpec)},
 * which renders the spec to a {@code group.toml} in a private temp dir, creates the group from it
 * and deletes the dir. Its {@link DefinitionException}s name the spec instead of a file: {@link
 * DefinitionException#file()} is {@code GroupSpec "cache"} and the line 0, while the process and
 * the key are those of {@code group.toml}. Templates, files and seed inputs are files anywhere,
 * given as paths (see {@link ProcessSpec} and {@link SeedSpec}): each create copies them into the
 * temp dir under their file names.
 */
public final class GroupSpec {
    private final String name;
    private final Map<String, String> env;
    private final List<ProcessSpec> processes;
    private final String engine;

    private GroupSpec(String name, Map<String, String> env, List<ProcessSpec> processes, String engine) {
        this.name = name;
        this.env = Collections.unmodifiableMap(env);
        this.processes = List.copyOf(processes);
        this.engine = engine;
    }

    /**
     * A spec with no process yet.
     *
     * @param name the group's name, the readable part of its ids ({@code group.toml}'s {@code name})
     * @throws IllegalArgumentException when the name breaks the naming rule
     */
    public static GroupSpec named(String name) {
        checkName(name, "group name", null);
        return new GroupSpec(name, new LinkedHashMap<>(), List.of(), null);
    }

    /**
     * This spec with one more process (a {@code [[process]]} table), which {@code definition} fills
     * in, e.g. {@code p -> p.command("redis-server", "--port", "{{port.main}}").ports("main")}.
     *
     * @throws IllegalArgumentException when the process name or a port name breaks the naming rule
     */
    public GroupSpec process(String processName, Consumer<ProcessSpec> definition) {
        checkName(processName, "process name", toString());
        Objects.requireNonNull(definition, "definition");
        ProcessSpec p = new ProcessSpec(toString(), processName);
        definition.accept(p);
        List<ProcessSpec> more = new ArrayList<>(processes);
        more.add(p.copy());
        return new GroupSpec(name, new LinkedHashMap<>(env), more, engine);
    }

    /** This spec with an environment variable for every process ({@code group.toml}'s {@code env}). */
    public GroupSpec env(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, "value"));
        return new GroupSpec(name, more, processes, engine);
    }

    /**
     * This spec with a container engine, {@code docker} or {@code podman}, for every container
     * process that names none ({@code group.toml}'s group key {@code engine}).
     */
    public GroupSpec engine(String engineName) {
        return new GroupSpec(
                name, new LinkedHashMap<>(env), processes, Objects.requireNonNull(engineName, "engineName"));
    }

    /** The group's name. */
    public String name() {
        return name;
    }

    /** The names of its processes, in order. */
    public List<String> processNames() {
        return processes.stream().map(ProcessSpec::name).toList();
    }

    /** The {@code group.toml} this spec stands for, strings escaped as TOML requires. */
    public String toToml() {
        StringBuilder out = new StringBuilder();
        out.append("# rendered from GroupSpec \"").append(name).append("\"\n");
        out.append("name = ").append(TomlText.string(name)).append('\n');
        if (!env.isEmpty()) {
            out.append("env = ").append(TomlText.inlineTable(env)).append('\n');
        }
        if (engine != null) {
            out.append("engine = ").append(TomlText.string(engine)).append('\n');
        }
        for (ProcessSpec p : processes) {
            ProcessSpecToml.append(p, out);
        }
        return out.toString();
    }

    /** Its processes, for the rendered dir. */
    List<ProcessSpec> processes() {
        return processes;
    }

    /** How messages name this spec: {@code GroupSpec "cache"}. */
    @Override
    public String toString() {
        return "GroupSpec \"" + name + "\"";
    }

    /**
     * Fails at once, with the parser's rule text, on a name that breaks the naming rule.
     *
     * @param of where the name was given, e.g. {@code GroupSpec "cache": process "redis"}; null
     *     for the group's own name
     */
    static void checkName(String value, String what, String of) {
        if (!Names.isValid(value)) {
            throw new IllegalArgumentException(
                    (of == null ? "GroupSpec" : of) + ": " + what + " '" + value + "' " + Names.RULE);
        }
    }
}

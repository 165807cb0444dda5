package dev.pgroup.core;

import dev.pgroup.core.internal.definition.TomlText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process of a {@link GroupSpec}: what a {@code [[process]]} table of {@code group.toml} says,
 * written in Java. Handed to the {@code Consumer} of {@link GroupSpec#process(String,
 * java.util.function.Consumer)}, which fills it in; the group spec keeps a copy of it, so changing
 * it afterwards changes no spec. Each method maps to the {@code group.toml} key named in its
 * documentation, and its value is checked as that key's is, when the group is created. Names (of
 * ports) are checked at once.
 */
public final class ProcessSpec {
    private final String owner;
    final String name;
    final List<String> command = new ArrayList<>();
    final List<String> ports = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> after = new ArrayList<>();
    /** The ready table's key ({@code tcp}, {@code http}, ...) and its value, or null. */
    String readyKey;

    Object readyValue;
    String restart;
    String stopSignal;
    String stopTimeout;
    String workdir;

    /** @param owner how messages name the group spec, {@code GroupSpec "cache"} */
    ProcessSpec(String owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /** A copy, for an immutable {@link GroupSpec}. */
    ProcessSpec copy() {
        ProcessSpec c = new ProcessSpec(owner, name);
        c.command.addAll(command);
        c.ports.addAll(ports);
        c.env.putAll(env);
        c.after.addAll(after);
        c.readyKey = readyKey;
        c.readyValue = readyValue instanceof List<?> l ? List.copyOf(l) : readyValue;
        c.restart = restart;
        c.stopSignal = stopSignal;
        c.stopTimeout = stopTimeout;
        c.workdir = workdir;
        return c;
    }

    /** This process's name. */
    public String name() {
        return name;
    }

    /**
     * {@code command}: the program and its arguments, placeholders such as {@code {{port.main}}}
     * allowed. Replaces an earlier command.
     */
    public ProcessSpec command(String... programAndArguments) {
        command.clear();
        command.addAll(List.of(programAndArguments));
        return this;
    }

    /**
     * {@code ports}: names of ports to lease for this process, added to the earlier ones.
     *
     * @throws IllegalArgumentException at once when a name breaks the naming rule
     */
    public ProcessSpec ports(String... portNames) {
        for (String port : portNames) {
            GroupSpec.checkName(port, "port name", owner + ": process \"" + name + "\"");
            ports.add(port);
        }
        return this;
    }

    /** {@code env}: an environment variable of this process; it wins over the group's. */
    public ProcessSpec env(String variable, String value) {
        env.put(Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** {@code after}: processes that must be ready before this one starts, added to the earlier ones. */
    public ProcessSpec after(String... processNames) {
        after.addAll(List.of(processNames));
        return this;
    }

    /** {@code ready = { tcp = "port" }}: ready once the port accepts a connection. */
    public ProcessSpec readyTcp(String portName) {
        return ready("tcp", Objects.requireNonNull(portName, "portName"));
    }

    /**
     * {@code ready = { http = "port:path" }}: ready once a GET of the path answers 2xx or 3xx.
     *
     * @param path starts with {@code /}, e.g. {@code /health}
     */
    public ProcessSpec readyHttp(String portName, String path) {
        return ready("http", Objects.requireNonNull(portName, "portName") + ":" + Objects.requireNonNull(path, "path"));
    }

    /** {@code ready = { log = "regex" }}: ready once a line of its log matches. */
    public ProcessSpec readyLog(String regex) {
        return ready("log", Objects.requireNonNull(regex, "regex"));
    }

    /** {@code ready = { command = [...] }}: ready once the command exits 0. */
    public ProcessSpec readyCommand(String... programAndArguments) {
        return ready("command", List.of(programAndArguments));
    }

    /**
     * {@code ready = { exit = status }}: a one-shot step, ready once it has exited with this
     * status; its restart policy then defaults to {@code never}.
     */
    public ProcessSpec readyExit(int status) {
        return ready("exit", status);
    }

    private ProcessSpec ready(String key, Object value) {
        readyKey = key;
        readyValue = value;
        return this;
    }

    /** {@code restart}: {@code always} (default), {@code on-failure} or {@code never}. */
    public ProcessSpec restart(String policy) {
        restart = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** {@code stop_signal}: TERM (default), INT, QUIT, HUP, KILL, USR1 or USR2. */
    public ProcessSpec stopSignal(String signal) {
        stopSignal = Objects.requireNonNull(signal, "signal");
        return this;
    }

    /** {@code stop_timeout}: how long it may take to exit before it is killed (default 10 s). */
    public ProcessSpec stopTimeout(Duration timeout) {
        stopTimeout = Objects.requireNonNull(timeout, "timeout").toString();
        return this;
    }

    /** {@code workdir}: its working directory, relative to its process dir or absolute. */
    public ProcessSpec workdir(String dir) {
        workdir = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /** The {@code [[process]]} table this spec stands for. */
    void appendToml(StringBuilder out) {
        out.append("\n[[process]]\n");
        out.append("name = ").append(TomlText.string(name)).append('\n');
        out.append("command = ").append(TomlText.array(command)).append('\n');
        if (!ports.isEmpty()) {
            out.append("ports = ").append(TomlText.array(ports)).append('\n');
        }
        if (!after.isEmpty()) {
            out.append("after = ").append(TomlText.array(after)).append('\n');
        }
        if (readyKey != null) {
            out.append("ready = { ").append(readyKey).append(" = ");
            if (readyValue instanceof List<?> list) {
                out.append(TomlText.array(list.stream().map(String::valueOf).toList()));
            } else if (readyValue instanceof Integer i) {
                out.append(i);
            } else {
                out.append(TomlText.string((String) readyValue));
            }
            out.append(" }\n");
        }
        appendOptional(out, "restart", restart);
        appendOptional(out, "stop_signal", stopSignal);
        appendOptional(out, "stop_timeout", stopTimeout);
        appendOptional(out, "workdir", workdir);
        if (!env.isEmpty()) {
            out.append("env = ").append(TomlText.inlineTable(env)).append('\n');
        }
    }

    private static void appendOptional(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append(" = ").append(TomlText.string(value)).append('\n');
        }
    }

    /** The port names so far, for tests and messages. */
    List<String> ports() {
        return Collections.unmodifiableList(ports);
    }
}

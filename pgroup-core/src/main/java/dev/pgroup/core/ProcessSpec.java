package dev.pgroup.core;

import dev.pgroup.core.internal.definition.RunAsUser;
import dev.pgroup.core.internal.definition.TomlText;
import java.nio.file.Path;
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
 * ports and the user) and the paths files are written to are checked at once.
 *
 * <p>Templates and files are files anywhere, given as paths, or a template's text: each create
 * copies them into the temp dir the spec is rendered into, under their file names, and from there
 * into the process dir as a definition dir's are. That dir is deleted when create returns, so a
 * process has no {@code {{definition.dir}}}: it finds its templates and files in {@code
 * {{process.dir}}}. Only a seed's command, which runs during create, may use it.
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
    final List<SpecSource> templates = new ArrayList<>();
    final List<SpecSource> files = new ArrayList<>();
    final List<String> listen = new ArrayList<>();
    String listenProtocol;
    String user;
    SeedSpec seed;
    String image;
    final Map<String, Integer> publish = new LinkedHashMap<>();
    String engine;
    Boolean pull;

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
        c.templates.addAll(templates);
        c.files.addAll(files);
        c.listen.addAll(listen);
        c.listenProtocol = listenProtocol;
        c.user = user;
        c.seed = seed;
        c.image = image;
        c.publish.putAll(publish);
        c.engine = engine;
        c.pull = pull;
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
            GroupSpec.checkName(port, "port name", where());
            ports.add(port);
        }
        return this;
    }

    /**
     * {@code templates}: files rendered into the process dir (placeholders replaced), each under
     * its file name, added to the earlier ones. A relative path is resolved against the working
     * directory now; the file is read at each create.
     *
     * @throws IllegalArgumentException at once when a file is named {@code group.toml}, the spec's own
     */
    public ProcessSpec templates(Path... sources) {
        for (Path source : sources) {
            templates.add(at(() -> SpecSource.copyOf(source, "template")));
        }
        return this;
    }

    /**
     * {@code templates}: a template given as text, rendered into the process dir at {@code path},
     * e.g. {@code template("redis.conf", "port {{port.main}}\n")}.
     *
     * @param path relative, e.g. {@code redis.conf} or {@code conf/redis.conf}
     * @throws IllegalArgumentException at once when the path is absolute or leaves the dir
     */
    public ProcessSpec template(String path, String text) {
        Objects.requireNonNull(text, "text");
        templates.add(at(() -> SpecSource.text(path, text)));
        return this;
    }

    /**
     * {@code files}: files copied into the process dir as they are, never rendered, each under its
     * file name, added to the earlier ones; an executable one stays executable.
     *
     * @throws IllegalArgumentException at once when a file is named {@code group.toml}, the spec's own
     */
    public ProcessSpec files(Path... sources) {
        for (Path source : sources) {
            files.add(at(() -> SpecSource.copyOf(source, "file")));
        }
        return this;
    }

    /**
     * {@code listen}: ports (of {@link #ports}) that pgroup binds at start and passes to the
     * process, added to the earlier ones.
     *
     * @throws IllegalArgumentException at once when a name breaks the naming rule
     */
    public ProcessSpec listen(String... portNames) {
        for (String port : portNames) {
            GroupSpec.checkName(port, "listen port name", where());
            listen.add(port);
        }
        return this;
    }

    /** {@code listen_protocol}: {@code systemd} (default), {@code nginx} or {@code stdin}. */
    public ProcessSpec listenProtocol(String protocol) {
        listenProtocol = Objects.requireNonNull(protocol, "protocol");
        return this;
    }

    /**
     * {@code user}: the user the process (and its seed) runs as when pgroup runs as root.
     *
     * @throws IllegalArgumentException at once when it is not a user name
     */
    public ProcessSpec user(String userName) {
        if (!RunAsUser.isValid(userName)) {
            throw new IllegalArgumentException(where() + ": user '" + userName + "' " + RunAsUser.RULE);
        }
        user = userName;
        return this;
    }

    /** {@code seed}: files prepared once per machine, of which every group's process dir gets a copy. */
    public ProcessSpec seed(SeedSpec seedSpec) {
        seed = Objects.requireNonNull(seedSpec, "seedSpec");
        return this;
    }

    /** {@code image}: makes the process a container of this image, e.g. {@code "redis:7"}. */
    public ProcessSpec image(String imageReference) {
        image = Objects.requireNonNull(imageReference, "imageReference");
        return this;
    }

    /**
     * {@code publish}: for a container, publishes the leased port on 127.0.0.1 to this container
     * port.
     *
     * @throws IllegalArgumentException at once when the name breaks the naming rule
     */
    public ProcessSpec publish(String portName, int containerPort) {
        GroupSpec.checkName(portName, "publish port name", where());
        publish.put(portName, containerPort);
        return this;
    }

    /** {@code engine}: for a container, {@code docker} or {@code podman}; wins over the group's. */
    public ProcessSpec engine(String engineName) {
        engine = Objects.requireNonNull(engineName, "engineName");
        return this;
    }

    /** {@code pull}: for a container, lets create pull a missing image (default false). */
    public ProcessSpec pull(boolean mayPull) {
        pull = mayPull;
        return this;
    }

    private String where() {
        return owner + ": process \"" + name + "\"";
    }

    /** A builder check, its message prefixed with the spec and process. */
    private SpecSource at(java.util.function.Supplier<SpecSource> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where() + ": " + e.getMessage(), e);
        }
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
        if (!command.isEmpty()) {
            // Left out rather than []: a container may run its image's CMD, and a missing command
            // of a binary gets the parser's "missing: say what to run".
            out.append("command = ").append(TomlText.array(command)).append('\n');
        }
        if (!ports.isEmpty()) {
            out.append("ports = ").append(TomlText.array(ports)).append('\n');
        }
        appendPaths(out, "templates", templates);
        appendPaths(out, "files", files);
        if (!listen.isEmpty()) {
            out.append("listen = ").append(TomlText.array(listen)).append('\n');
        }
        appendOptional(out, "listen_protocol", listenProtocol);
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
        appendOptional(out, "user", user);
        if (seed != null) {
            out.append("seed = ").append(seed.toToml()).append('\n');
        }
        appendOptional(out, "image", image);
        if (!publish.isEmpty()) {
            out.append("publish = { ");
            out.append(String.join(
                    ", ",
                    publish.entrySet().stream()
                            .map(e -> TomlText.string(e.getKey()) + " = " + e.getValue())
                            .toList()));
            out.append(" }\n");
        }
        appendOptional(out, "engine", engine);
        if (pull != null) {
            out.append("pull = ").append(pull).append('\n');
        }
    }

    private static void appendPaths(StringBuilder out, String key, List<SpecSource> sources) {
        if (!sources.isEmpty()) {
            out.append(key)
                    .append(" = ")
                    .append(TomlText.array(
                            sources.stream().map(SpecSource::path).toList()))
                    .append('\n');
        }
    }

    /** The templates, files and seed inputs this process puts into the rendered dir, by TOML key. */
    Map<String, List<SpecSource>> sources() {
        Map<String, List<SpecSource>> all = new LinkedHashMap<>();
        all.put("templates", List.copyOf(templates));
        all.put("files", List.copyOf(files));
        all.put(
                "seed.inputs",
                seed == null
                        ? List.of()
                        : seed.inputPaths().stream()
                                .map(p -> new SpecSource(p.getFileName().toString(), p, null))
                                .toList());
        return all;
    }

    /** Whether a seed runs as another user, who must then read its inputs in the rendered dir. */
    boolean seedsAsAnotherUser() {
        return seed != null && user != null;
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

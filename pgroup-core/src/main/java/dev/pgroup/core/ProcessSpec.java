package dev.pgroup.core;

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
            templates.add(SpecChecks.source(where(), () -> SpecSource.copyOf(source, "template")));
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
        templates.add(SpecChecks.source(where(), () -> SpecSource.text(path, text)));
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
            files.add(SpecChecks.source(where(), () -> SpecSource.copyOf(source, "file")));
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
        user = SpecChecks.user(userName, where());
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

    /** The port names so far, for tests and messages. */
    List<String> ports() {
        return Collections.unmodifiableList(ports);
    }
}

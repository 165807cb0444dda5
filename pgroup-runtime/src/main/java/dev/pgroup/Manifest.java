package dev.pgroup;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a group's processes are: ids, directories, ports and log files. The engine writes one per
 * group; tests read it through {@link PGroup}.
 *
 * <p>The file is a UTF-8 {@code .properties} file so that this jar needs no dependency and a person
 * can read it with {@code cat}. Keys look like {@code process.primary.port.main=20001}. Names are
 * restricted to {@code [a-z][a-z0-9_-]*}, so the dots in keys are never ambiguous.
 *
 * @param groupId the node-unique group id, e.g. {@code cache-myhost-7f3k2q}
 * @param groupName the group's name from {@code group.toml}
 * @param directory the group directory, absolute
 * @param node the host name of the machine the group runs on
 * @param createdAt when the group was created
 * @param processes the processes, in definition order
 */
public record Manifest(
        String groupId, String groupName, Path directory, String node, Instant createdAt, List<ProcessInfo> processes) {

    /** The format version this class writes; readers reject newer ones with a clear message. */
    public static final int FORMAT_VERSION = 1;

    /** The file name of a manifest inside a group's state directory. */
    public static final String FILE_NAME = "manifest.properties";

    /**
     * One process of a group.
     *
     * @param name the process name from {@code group.toml}
     * @param id the node-unique process id, {@code <group id>.<name>}
     * @param directory the process (runit service) directory
     * @param logFile the file svlogd writes the process output to
     * @param ports leased ports by port name, in definition order
     * @param pid the process id of the running process, or 0 when it is not known to run (for a
     *     container, its engine client's)
     * @param image the image of a process that runs as a container, as {@code group.toml} names it;
     *     null for a local binary
     * @param imageId the id the engine gave that image when the group was created, e.g. {@code
     *     sha256:...}; null for a local binary
     */
    public record ProcessInfo(
            String name,
            String id,
            Path directory,
            Path logFile,
            Map<String, Integer> ports,
            long pid,
            String image,
            String imageId) {

        /** A local binary. */
        public ProcessInfo(String name, String id, Path directory, Path logFile, Map<String, Integer> ports, long pid) {
            this(name, id, directory, logFile, ports, pid, null, null);
        }

        public ProcessInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(logFile, "logFile");
            ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports));
        }

        /** This process with another pid. */
        public ProcessInfo withPid(long newPid) {
            return new ProcessInfo(name, id, directory, logFile, ports, newPid, image, imageId);
        }
    }

    public Manifest {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(groupName, "groupName");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(createdAt, "createdAt");
        processes = List.copyOf(processes);
    }

    /** The process with this name, if the group has one. */
    public Optional<ProcessInfo> process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Reads a manifest file, failing with a message that names the file and the bad key. */
    public static Manifest read(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("pgroup manifest " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pgroup manifest " + file, e);
        }
        return fromProperties(props, file);
    }

    /**
     * Writes this manifest to {@code file} atomically (a temporary file renamed over it), so that a
     * reader never sees half a manifest.
     */
    public void write(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, toPropertiesText(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pgroup manifest " + file, e);
        }
    }

    /** The text {@link #write} stores: sorted, stable keys, readable by {@link Properties#load}. */
    public String toPropertiesText() {
        Map<String, String> entries = new TreeMap<>();
        entries.put("format.version", Integer.toString(FORMAT_VERSION));
        entries.put("group.id", groupId);
        entries.put("group.name", groupName);
        entries.put("group.dir", directory.toString());
        entries.put("group.node", node);
        entries.put("group.created", instantText(createdAt));
        List<String> names = new ArrayList<>();
        for (ProcessInfo p : processes) {
            names.add(p.name());
            String prefix = "process." + p.name() + ".";
            entries.put(prefix + "id", p.id());
            entries.put(prefix + "dir", p.directory().toString());
            entries.put(prefix + "log", p.logFile().toString());
            entries.put(prefix + "pid", Long.toString(p.pid()));
            entries.put(prefix + "ports", String.join(",", p.ports().keySet()));
            p.ports().forEach((port, number) -> entries.put(prefix + "port." + port, number.toString()));
            if (p.image() != null) {
                entries.put(prefix + "image", p.image());
                entries.put(prefix + "image.id", p.imageId() == null ? "" : p.imageId());
            }
        }
        entries.put("group.processes", String.join(",", names));
        StringBuilder text = new StringBuilder("# pgroup manifest: where this group's processes are.\n");
        entries.forEach((k, v) -> text.append(escape(k, true))
                .append('=')
                .append(escape(v, false))
                .append('\n'));
        return text.toString();
    }

    /**
     * {@code instant.toString()}, the same text, without the general formatter where the plain date
     * and time print it alike (a year of four digits, a time with seconds or a fraction): the
     * formatter was a third of writing a manifest, which every create and every start does.
     */
    static String instantText(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1000 || t.getYear() > 9999 || (t.getSecond() == 0 && t.getNano() == 0)) {
            return instant.toString(); // printed differently by LocalDateTime: "+10000-", "12:00"
        }
        return t + "Z";
    }

    private static Manifest fromProperties(Properties props, Path file) {
        Reading r = new Reading(props, file);
        int version = r.integer("format.version");
        if (version > FORMAT_VERSION) {
            throw new IllegalStateException("pgroup manifest " + file + " has format.version " + version
                    + ", but this pgroup-runtime reads up to " + FORMAT_VERSION + ": use the same pgroup version"
                    + " for the plugin and the runtime");
        }
        List<ProcessInfo> processes = new ArrayList<>();
        for (String name : r.list("group.processes")) {
            String prefix = "process." + name + ".";
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String port : r.list(prefix + "ports")) {
                ports.put(port, r.integer(prefix + "port." + port));
            }
            processes.add(new ProcessInfo(
                    name,
                    r.text(prefix + "id"),
                    Path.of(r.text(prefix + "dir")),
                    Path.of(r.text(prefix + "log")),
                    ports,
                    r.integer(prefix + "pid"),
                    props.getProperty(prefix + "image"),
                    props.getProperty(prefix + "image.id")));
        }
        Instant created;
        try {
            created = Instant.parse(r.text("group.created"));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("pgroup manifest " + file + ": group.created is not an instant", e);
        }
        return new Manifest(
                r.text("group.id"),
                r.text("group.name"),
                Path.of(r.text("group.dir")),
                r.text("group.node"),
                created,
                processes);
    }

    /** Reads keys of one manifest, naming the file and key in every error. */
    private record Reading(Properties props, Path file) {
        String text(String key) {
            String value = props.getProperty(key);
            if (value == null) {
                throw new IllegalStateException("pgroup manifest " + file + " has no key '" + key + "'");
            }
            return value;
        }

        int integer(String key) {
            String value = text(key);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(
                        "pgroup manifest " + file + ": '" + key + "' is not a number: " + value, e);
            }
        }

        List<String> list(String key) {
            String value = text(key);
            return value.isEmpty() ? List.of() : List.of(value.split(","));
        }
    }

    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

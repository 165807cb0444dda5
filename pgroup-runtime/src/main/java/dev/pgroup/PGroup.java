package dev.pgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A running group as a test sees it: its id, directory, ports and log files.
 *
 * <p>{@link #current()} works with no configuration inside a test run by maven-failsafe-plugin
 * after the pgroup plugin's {@code start} goal. It looks, in this order:
 *
 * <ol>
 *   <li>at the system property {@value #MANIFEST_PROPERTY} (a manifest file);
 *   <li>at the environment variable {@value #MANIFEST_ENV};
 *   <li>for manifests of running groups under the directory named by the system property {@value
 *       #BASE_DIR_PROPERTY}, or else under {@code target/pgroup} of the working directory. Stopped
 *       groups there (kept for debugging after a failed build) are skipped, and the error says so.
 * </ol>
 *
 * <p>{@link #named(String)} selects one group when a build has several. It looks at the system
 * property {@code pgroup.manifest.NAME}, the environment variable {@code PGROUP_MANIFEST_NAME}
 * (upper case, {@code -} as {@code _}), then in the same directories as {@link #current()}.
 */
public final class PGroup {

    /** System property naming the manifest file of the current group. */
    public static final String MANIFEST_PROPERTY = "pgroup.manifest";

    /** Environment variable naming the manifest file of the current group. */
    public static final String MANIFEST_ENV = "PGROUP_MANIFEST";

    /** System property naming the base directory that holds group directories. */
    public static final String BASE_DIR_PROPERTY = "pgroup.baseDir";

    /** The directory inside a group directory where pgroup keeps its own files. */
    public static final String STATE_DIR = ".pgroup";

    /** In {@link #STATE_DIR}: the pid of a running group's runsvdir; absent once it is stopped. */
    static final String RUNSVDIR_PID_FILE = "runsvdir.pid";

    private final Manifest manifest;
    private final Path manifestFile;

    private PGroup(Manifest manifest, Path manifestFile) {
        this.manifest = manifest;
        this.manifestFile = manifestFile;
    }

    /**
     * The group of this test run.
     *
     * @throws IllegalStateException when no manifest is found, or several groups are found and none
     *     is selected; the message says where it looked
     */
    public static PGroup current() {
        List<String> looked = new ArrayList<>();
        Path explicit = explicitManifest(MANIFEST_PROPERTY, MANIFEST_ENV, looked);
        if (explicit != null) {
            return load(explicit);
        }
        List<Path> found = running(scan(looked), looked);
        List<String> names = found.stream()
                .map(p -> Manifest.read(p).groupName())
                .distinct()
                .sorted()
                .toList();
        if (names.size() > 1) {
            throw new IllegalStateException("pgroup found several groups " + names
                    + "; select one with PGroup.named(\"" + names.get(0) + "\"). Looked at: "
                    + String.join("; ", looked));
        }
        if (found.isEmpty()) {
            throw notFound("no pgroup manifest found", looked);
        }
        return load(newest(found));
    }

    /**
     * The group with this name ({@code name} in its {@code group.toml}).
     *
     * @throws IllegalStateException when no manifest of that name is found; the message says where
     *     it looked
     */
    public static PGroup named(String name) {
        List<String> looked = new ArrayList<>();
        String env =
                "PGROUP_MANIFEST_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        Path explicit = explicitManifest(MANIFEST_PROPERTY + "." + name, env, looked);
        if (explicit != null) {
            return load(explicit);
        }
        List<Path> found = running(
                scan(looked).stream()
                        .filter(p -> Manifest.read(p).groupName().equals(name))
                        .toList(),
                looked);
        if (found.isEmpty()) {
            throw notFound("no pgroup manifest for a group named '" + name + "' found", looked);
        }
        return load(newest(found));
    }

    /** The group described by this manifest file. */
    public static PGroup load(Path manifestFile) {
        return new PGroup(Manifest.read(manifestFile), manifestFile.toAbsolutePath());
    }

    /** The node-unique group id. */
    public String id() {
        return manifest.groupId();
    }

    /** The group's name from {@code group.toml}. */
    public String name() {
        return manifest.groupName();
    }

    /** The group directory. */
    public Path directory() {
        return manifest.directory();
    }

    /** The manifest file this group was read from. */
    public Path manifestFile() {
        return manifestFile;
    }

    /** Everything the manifest says. */
    public Manifest manifest() {
        return manifest;
    }

    /** The names of the group's processes, in definition order. */
    public Set<String> processes() {
        return manifest.processes().stream()
                .map(Manifest.ProcessInfo::name)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /**
     * The port leased for {@code portName} of {@code process}.
     *
     * @throws IllegalArgumentException when the group has no such process or port; the message lists
     *     the ones it has
     */
    public int port(String process, String portName) {
        Manifest.ProcessInfo p = process(process);
        Integer port = p.ports().get(portName);
        if (port == null) {
            throw new IllegalArgumentException("process '" + process + "' of group " + id() + " has no port '"
                    + portName + "'; its ports are " + p.ports().keySet());
        }
        return port;
    }

    /** The node-unique id of a process, {@code <group id>.<process>}. */
    public String processId(String process) {
        return process(process).id();
    }

    /** The file the process's output is logged to (svlogd's {@code current}). */
    public Path logFile(String process) {
        return process(process).logFile();
    }

    /** The process's runit service directory, where its rendered templates are. */
    public Path processDirectory(String process) {
        return process(process).directory();
    }

    private Manifest.ProcessInfo process(String name) {
        return manifest.process(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "group " + id() + " has no process '" + name + "'; its processes are " + processes()));
    }

    @Override
    public String toString() {
        return "PGroup[" + id() + " at " + directory() + "]";
    }

    private static Path explicitManifest(String property, String env, List<String> looked) {
        String fromProperty = System.getProperty(property);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Path.of(fromProperty);
        }
        looked.add("system property " + property + " (not set)");
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        looked.add("environment variable " + env + " (not set)");
        return null;
    }

    /** Manifests of the groups under the base directory, each at {@code <base>/<id>/.pgroup/}. */
    private static List<Path> scan(List<String> looked) {
        String base = System.getProperty(BASE_DIR_PROPERTY);
        Path baseDir =
                base != null ? Path.of(base) : Path.of("target", "pgroup").toAbsolutePath();
        looked.add("manifests under " + baseDir + "/*/" + STATE_DIR + "/" + Manifest.FILE_NAME
                + (base != null ? " (system property " + BASE_DIR_PROPERTY + ")" : ""));
        if (!Files.isDirectory(baseDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(baseDir)) {
            return dirs.map(d -> d.resolve(STATE_DIR).resolve(Manifest.FILE_NAME))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            looked.add(baseDir + " could not be listed: " + e);
            return List.of();
        }
    }

    /**
     * The manifests of groups that run: a group kept stopped by a failed build must not be handed
     * to a test, which would then fail to connect. Skipped ones are noted in {@code looked}.
     */
    private static List<Path> running(List<Path> manifests, List<String> looked) {
        List<Path> running = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (Path m : manifests) {
            if (isRunning(m)) {
                running.add(m);
            } else {
                stopped.add(m.getParent().getParent().getFileName().toString());
            }
        }
        if (!stopped.isEmpty()) {
            looked.add("skipped the stopped group(s) " + stopped + " (kept by an earlier run for debugging)");
        }
        return running;
    }

    /** Whether the group's runsvdir runs: pgroup writes its pid when it starts a group and deletes it on stop. */
    static boolean isRunning(Path manifestFile) {
        Path pidFile = manifestFile.resolveSibling(RUNSVDIR_PID_FILE);
        try {
            String[] pid = Files.readString(pidFile).trim().split("\\s+");
            return ProcessHandle.of(Long.parseLong(pid[0]))
                    .map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Kept debug directories of earlier runs may share a name; the newest group is this run's. */
    private static Path newest(List<Path> manifests) {
        return manifests.stream()
                .max(Comparator.comparing(p -> Manifest.read(p).createdAt()))
                .orElseThrow();
    }

    private static IllegalStateException notFound(String what, List<String> looked) {
        Path project = Path.of("").toAbsolutePath();
        return new IllegalStateException(what + ". Looked at: " + String.join("; ", looked)
                + ". Run the test with the pgroup plugin's create and start goals (mvn verify runs them in"
                + " pre-integration-test). From an IDE, start the group first: run 'pgroup up' in " + project
                + " (it starts src/it/pgroup in target/pgroup, where this looks, until Ctrl-C), or set -D"
                + MANIFEST_PROPERTY + "=<group dir>/" + STATE_DIR + "/" + Manifest.FILE_NAME);
    }
}

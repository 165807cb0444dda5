package dev.pgroup.maven;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A group this build created, with the engine that owns its leases and what the goals did to it. */
final class ManagedGroup {
    private final String projectKey;
    private final Path definitionDir;
    private final String nameOverride;
    private final String executionId;
    private final PGroupEngine engine;
    private final Group group;
    private final Map<String, String> exportedProperties = new LinkedHashMap<>();
    private boolean logsShown;
    private boolean released;
    private LogStreamer logStreamer;

    ManagedGroup(
            String projectKey,
            Path definitionDir,
            String nameOverride,
            String executionId,
            PGroupEngine engine,
            Group group) {
        this.projectKey = projectKey;
        this.definitionDir = definitionDir;
        this.nameOverride = nameOverride;
        this.executionId = executionId;
        this.engine = engine;
        this.group = group;
    }

    String projectKey() {
        return projectKey;
    }

    /** Whether a goal configured with this {@code <group>} and {@code <name>} means this group. */
    boolean matches(Path dir, String name) {
        if (name != null) {
            return group.name().equals(name);
        }
        return nameOverride == null && definitionDir.equals(dir);
    }

    Path definitionDir() {
        return definitionDir;
    }

    String executionId() {
        return executionId;
    }

    Group group() {
        return group;
    }

    /** Project properties this group set, with their values, in the order they were set. */
    Map<String, String> exportedProperties() {
        return exportedProperties;
    }

    boolean logsShown() {
        return logsShown;
    }

    void logsShown(boolean shown) {
        this.logsShown = shown;
    }

    /** Streams the logs of these processes into the build output until the group stops. */
    synchronized void streamLogs(
            java.util.Map<String, java.nio.file.Path> logs, java.util.function.Consumer<String> out) {
        stopStreaming();
        logStreamer = LogStreamer.start(logs, out);
    }

    synchronized boolean isStreamingLogs() {
        return logStreamer != null;
    }

    /** Prints the last streamed lines and stops streaming; call it once the group is stopped. */
    synchronized void stopStreaming() {
        if (logStreamer != null) {
            logStreamer.close();
            logStreamer = null;
        }
    }

    /**
     * Terminates the group unless it was already handed back; used when a build ends with the group
     * still there. Never throws: it runs while Maven reports another failure.
     */
    synchronized String terminateQuietly() {
        if (released) {
            return null;
        }
        released = true;
        try {
            if (isStreamingLogs()) {
                group.stop(); // so that the streamed log ends with what the processes wrote while stopping
                stopStreaming();
            }
            group.terminate();
            return null;
        } catch (RuntimeException e) {
            return "pgroup: could not terminate group " + group.id() + ": " + e.getMessage();
        } finally {
            engine.close();
        }
    }

    /** Lets go of the group without touching its processes or files (they were stopped or deleted). */
    synchronized void release() {
        if (!released) {
            released = true;
            stopStreaming();
            engine.close();
        }
    }
}

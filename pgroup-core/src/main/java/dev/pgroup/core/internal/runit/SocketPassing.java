package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.ListenSpec;
import dev.pgroup.core.internal.os.FilePermissions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Socket passing for one process: which of its ports are passed and how. The group's watchdog
 * binds them at start ({@link PassedSockets}); the run script hands them over in the shell, or,
 * for a socket above fd 9, through {@code listen.pl}.
 *
 * @param protocol how the daemon is told about its sockets
 * @param ports the passed ports, name to port, in fd order
 * @param perl the perl interpreter, found on PATH at create
 * @param launcher where {@code listen.pl} is installed in the group dir
 */
public record SocketPassing(ListenSpec.Protocol protocol, Map<String, Integer> ports, Path perl, Path launcher) {

    /** The fd mover for sockets above fd 9, a resource of this package. */
    static final String RESOURCE = "listen.pl";

    public SocketPassing {
        ports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ports));
    }

    /** Copies the mover into the group dir, once per group: every process that needs it shares it. */
    public void installLauncher() throws IOException {
        if (Files.isRegularFile(launcher)) {
            return;
        }
        Files.createDirectories(launcher.getParent());
        Path tmp = launcher.resolveSibling(launcher.getFileName() + ".tmp");
        try (InputStream in = SocketPassing.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the launcher " + RESOURCE + " is missing from pgroup-core's jar");
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        FilePermissions.makeExecutable(tmp);
        Files.move(tmp, launcher, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

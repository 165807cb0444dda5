package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.ListenSpec;
import dev.pgroup.core.internal.os.FilePermissions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Socket passing for one process, rendered: the run script execs pgroup's perl launcher, which
 * binds 127.0.0.1:port for each passed port, puts the sockets on the protocol's fds, writes its pid
 * to {@code marker} and execs the daemon. exec keeps the pid, so runit supervises the daemon itself
 * and {@code LISTEN_PID} is right.
 *
 * @param protocol how the daemon is told about its sockets
 * @param ports the passed ports, name to port, in fd order
 * @param perl the perl interpreter, found on PATH at create
 * @param launcher where {@code listen.pl} is installed in the group dir
 * @param marker where the launcher writes its pid once every socket listens
 */
public record SocketPassing(
        ListenSpec.Protocol protocol, Map<String, Integer> ports, Path perl, Path launcher, Path marker) {

    /** The launcher, a resource of this package. */
    static final String RESOURCE = "listen.pl";

    public SocketPassing {
        ports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ports));
    }

    /** {@code command} run through the launcher. */
    public List<String> wrap(String process, List<String> command) {
        List<String> out = new ArrayList<>();
        out.add(perl.toString());
        out.add(launcher.toString());
        out.add(protocol.tomlName());
        out.add(process);
        out.add(marker.toString());
        ports.forEach((name, port) -> out.add(name + "=" + port));
        out.add("--");
        out.addAll(command);
        return out;
    }

    /** Copies the launcher into the group dir, once per group: every process shares it. */
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

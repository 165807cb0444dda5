package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Spawning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ready-check.pl}, a resource of this package: the tcp, http and log ready checks that the
 * generated {@code check} scripts run for {@code sv check}, with the meaning of start's checks in
 * Java ({@code internal.start.ReadinessCheck}). Installed once per group, in its state dir.
 */
final class ReadyCheckScript {
    static final String RESOURCE = "ready-check.pl";

    private ReadyCheckScript() {}

    /** Copies the script to {@code target} unless an earlier process of the group did. */
    static void install(Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = ReadyCheckScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from pgroup-core");
            }
            Spawning.writeExecutable(target, in.readAllBytes());
        }
    }
}

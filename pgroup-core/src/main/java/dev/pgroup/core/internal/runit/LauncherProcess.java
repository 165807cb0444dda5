package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Spawning;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts the perl process of a {@link WatchdogLauncher}: writes {@code watchdog-launcher.pl} and the
 * watchdog code it compiles ({@code owner-watchdog.pl}) to a private temp dir, runs perl on them
 * with an empty environment in {@code /}, and waits for its "ready" line. The scripts are deleted
 * once perl has compiled them: nobody else can plant code there, and nothing is left behind.
 */
final class LauncherProcess {
    private static final String SCRIPT = "watchdog-launcher.pl";
    private static final String LIBRARY = "owner-watchdog.pl";
    /**
     * Room in the launcher's argv for each forked watchdog's {@code $0}, which names its group dir
     * (the pid file check, {@code Processes.findInGroup}): perl writes {@code $0} over the argv
     * area. macOS's PATH_MAX is 1024; on Linux the working dir names the group dir as well.
     */
    private static final String PADDING = " ".repeat(1100);

    /**
     * A launcher that said it is ready.
     *
     * @param answers its stdout, positioned after the "ready" line
     */
    record Started(Process process, BufferedReader answers) {}

    private LauncherProcess() {}

    static Started start() throws IOException {
        Path dir = Files.createTempDirectory("pgroup-watchdog");
        try {
            Path script = dir.resolve(SCRIPT);
            Path library = dir.resolve(LIBRARY);
            Files.write(script, resource(SCRIPT));
            Files.write(library, resource(LIBRARY));
            ProcessBuilder pb = new ProcessBuilder(
                            "perl", script.toString(), library.toString(), System.getProperty("os.arch", ""), PADDING)
                    .directory(new File("/"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().clear();
            Process process = Spawning.start(pb);
            BufferedReader answers =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready;
            try {
                ready = answers.readLine();
            } catch (IOException e) {
                ready = null;
            }
            if (ready == null || !ready.startsWith("ready ")) {
                process.destroyForcibly();
                throw new IOException("the pgroup watchdog launcher (perl " + script + ") did not start"
                        + (ready == null ? "" : ": " + ready));
            }
            return new Started(process, answers);
        } finally {
            for (String name : List.of(SCRIPT, LIBRARY)) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = LauncherProcess.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from pgroup-core");
            }
            return in.readAllBytes();
        }
    }
}

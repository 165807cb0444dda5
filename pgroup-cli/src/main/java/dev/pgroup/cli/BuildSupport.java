package dev.pgroup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Run once by the build, not by users: under {@code -XX:ArchiveClassesAtExit} it drives the common
 * commands so that their classes go into the class-data-sharing archive the launcher uses, and it
 * copies SQLite's native library for this platform next to the jar, so that no run has to
 * extract it to a temporary file first. Every step is best effort: a missing piece only costs
 * startup time.
 *
 * <p>Arguments: the output dir (holding {@code pgroup.jar}), the training group definition dir.
 */
final class BuildSupport {
    private BuildSupport() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path definition = Path.of(args[1]);
        copySqliteNativeLibrary(out.resolve("native"));
        Path work = out.resolve("cds-training");
        String[] global = {
            "--base-dir",
            work.resolve("groups").toString(),
            "--database",
            work.resolve("pgroup.db").toString()
        };
        run(global, "--help");
        run(global, "status");
        run(global, "list");
        run(global, "status", "training-none-000000");
        java.io.StringWriter id = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(id));
        cl.execute(concat(global, "create", definition.toString()));
        String group = id.toString().trim();
        if (!group.isEmpty()) {
            run(global, "status", group);
            run(global, "status", "--json", group);
            run(global, "env", group);
            run(global, "logs", group);
            run(global, "list", "--json");
            run(global, "terminate", group);
        }
    }

    private static void run(String[] global, String... args) {
        picocli.CommandLine cl = Main.commandLine();
        java.io.PrintWriter quiet = new java.io.PrintWriter(java.io.Writer.nullWriter());
        cl.setOut(quiet);
        cl.setErr(quiet);
        cl.execute(concat(global, args));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** To {@code native/<os>/<arch>/}, sqlite-jdbc's own folder names (Linux/x86_64, Mac/aarch64, ...). */
    private static void copySqliteNativeLibrary(Path nativeDir) throws IOException {
        String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
        String name = folder.startsWith("Mac") ? "libsqlitejdbc.dylib" : "libsqlitejdbc.so";
        try (InputStream in = BuildSupport.class.getResourceAsStream("/org/sqlite/native/" + folder + "/" + name)) {
            if (in == null) {
                return;
            }
            Path target = nativeDir.resolve(folder).resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

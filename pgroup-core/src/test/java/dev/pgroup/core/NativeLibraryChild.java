package dev.pgroup.core;

import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that opens a pgroup database and prints which SQLite native library it mapped (from
 * /proc/self/maps): the library loads once per JVM, so each case needs a fresh one. Arguments: base
 * dir, database.
 */
public final class NativeLibraryChild {
    public static void main(String[] args) throws Exception {
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(Path.of(args[0]))
                .database(Path.of(args[1]))
                .build()) {
            engine.list();
            System.out.println("opened");
        } catch (PGroupException e) {
            System.out.println("error: " + e.getMessage());
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("sqlitejdbc")) {
                System.out.println("mapped: " + line.substring(line.indexOf('/')));
            }
        }
    }
}

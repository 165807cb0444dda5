package dev.pgroup.maven;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads every class of pgroup's jars ahead of need, so that the cleanup at JVM exit never loads a
 * class. On Ctrl-C, Maven's main thread runs on while the shutdown hook terminates the groups, and
 * once it has closed the plugin's class realm a class first needed by the hook fails with {@code
 * NoClassDefFoundError} (seen: {@code dev/pgroup/core/internal/FileTrees}), leaving the group's files
 * and ports behind. Loading (without initializing) a class needs its jar; initializing it later
 * does not.
 */
final class ClassPreloader {
    private ClassPreloader() {}

    /** Loads, on a background daemon thread, every class in the jars (or dirs) these classes came from. */
    static void preloadInBackground(List<Class<?>> anchors) {
        Thread t = new Thread(() -> anchors.forEach(ClassPreloader::preloadCodeSourceOf), "pgroup-preload");
        t.setDaemon(true);
        t.start();
    }

    static int preloadCodeSourceOf(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return 0;
        }
        ClassLoader loader = anchor.getClassLoader();
        try {
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    return load(files.map(f -> location.relativize(f).toString().replace('\\', '/')), loader);
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return load(jar.stream().map(JarEntry::getName), loader);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return 0; // only a safety measure: the classes still load on demand
        }
    }

    private static int load(Stream<String> entries, ClassLoader loader) {
        int loaded = 0;
        for (String entry : (Iterable<String>) entries::iterator) {
            if (!entry.endsWith(".class") || entry.endsWith("module-info.class")) {
                continue;
            }
            String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // A class of an optional dependency: the cleanup never needs it.
            }
        }
        return loaded;
    }
}

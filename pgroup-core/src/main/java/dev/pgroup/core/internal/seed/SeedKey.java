package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * What a seed is made from, as a SHA-256: the seed table as written, the user it runs as, the
 * content of its inputs (names, bytes and executable bits, a dir's files in name order), and the
 * programs it and the process run, resolved on PATH (a PostgreSQL 16 server cannot use a 15 seed).
 * Paths of the checkout are not in it: two clones of a project share one seed.
 */
final class SeedKey {
    private static final int LENGTH = 24;

    private SeedKey() {}

    static String of(GroupDefinition definition, ProcessDefinition p, String path) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        field(sha, "pgroup seed 1");
        field(sha, String.join("\0", p.seed().command()));
        field(sha, String.join("\0", p.seed().inputs()));
        field(sha, p.user() == null ? "" : p.user());
        field(sha, program(p.seed().command().get(0), path));
        field(sha, program(p.command().get(0), path));
        for (String input : p.seed().inputs()) {
            Path root = definition.directory().resolve(input);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.sorted().toList()) {
                    field(sha, definition.directory().relativize(file).toString());
                    if (Files.isRegularFile(file)) {
                        field(sha, Files.isExecutable(file) ? "x" : "-");
                        // Streamed: an input may be a dump far larger than the heap.
                        sha.update(java.nio.ByteBuffer.allocate(8)
                                .putLong(Files.size(file))
                                .array());
                        try (var in = new java.security.DigestInputStream(Files.newInputStream(file), sha)) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        }
                    } else {
                        field(sha, "d");
                    }
                }
            } catch (IOException e) {
                throw new PGroupException(
                        "cannot read seed input '" + input + "' of process \"" + p.name() + "\" (" + root + "): " + e,
                        e);
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, LENGTH);
    }

    /** The program's real path, so an upgrade (a new symlink target) makes a new seed. */
    private static String program(String written, String path) {
        if (written.contains("{{")) {
            return written;
        }
        return Executables.find(written, path)
                .map(p -> {
                    try {
                        return p.toRealPath().toString();
                    } catch (IOException e) {
                        return p.toString();
                    }
                })
                .orElse(written);
    }

    private static void field(MessageDigest sha, String text) {
        field(sha, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(MessageDigest sha, byte[] bytes) {
        sha.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
        sha.update(bytes);
    }

    static boolean isKey(String name) {
        return name.length() == LENGTH && name.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}

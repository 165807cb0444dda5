package dev.pgroup.core.internal.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one claim file of the machine's claims dir ({@link MachineClaims}) says, and how it is read
 * and written: the database, the group, then one keeper per line as pid and start millis. The file
 * may be another user's, so it is read without following a symlink and no further than a claim can
 * reach, and written readable by everyone, since other users judge it by its keepers.
 */
record MachineClaimFile(Path database, String group, List<long[]> keepers) {
    /** A claim's few lines fit many times over; a larger file is not pgroup's. */
    private static final int MAX_BYTES = 16 * 1024;

    String text() {
        StringBuilder s =
                new StringBuilder().append(database).append('\n').append(group).append('\n');
        keepers.forEach(k -> s.append(k[0]).append(' ').append(k[1]).append('\n'));
        return s.toString();
    }

    boolean names(Path otherDatabase, String otherGroup) {
        return database.equals(otherDatabase) && group.equals(otherGroup);
    }

    /** Empty for a file being written or not written by pgroup. */
    static Optional<MachineClaimFile> parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 2 || lines[0].isBlank() || lines[1].isBlank()) {
            return Optional.empty();
        }
        List<long[]> keepers = new ArrayList<>();
        try {
            for (int i = 2; i < lines.length; i++) {
                String[] f = lines[i].trim().split(" ");
                keepers.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
            }
            return Optional.of(new MachineClaimFile(Path.of(lines[0]), lines[1], keepers));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Not through a symlink, and no more than a claim can hold: the file may be another user's. */
    static Optional<MachineClaimFile> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static void write(Path file, MachineClaimFile claim, StandardOpenOption how) throws IOException {
        Files.writeString(
                file, claim.text(), StandardCharsets.UTF_8, how, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (how == StandardOpenOption.CREATE_NEW) {
            // Others read the keepers; a umask of 077 must not hide them.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}

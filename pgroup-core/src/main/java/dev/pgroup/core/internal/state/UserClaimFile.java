package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * What one claim file of a user's claims dir ({@link PortClaims}) says: the database and the group
 * the port is leased to; and whether that lease is still live, which only that database can tell.
 */
record UserClaimFile(Path database, String group) {
    String text() {
        return database + "\n" + group + "\n";
    }

    static Optional<UserClaimFile> parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 2 || lines[0].isBlank() || lines[1].isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UserClaimFile(Path.of(lines[0]), lines[1]));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    static Optional<UserClaimFile> read(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (MalformedInputException e) {
            return Optional.of(new UserClaimFile(Path.of("/unreadable"), "?")); // not ours; stale by its database
        }
    }

    /**
     * Whether the claim's database still leases {@code port} to the claim's group, or may be about
     * to commit that lease ({@code file} is younger than {@link PortClaims#PENDING}). The database is
     * read read-only and briefly: a missing database, or one that cannot be read, holds no lease.
     */
    boolean isLive(int port, Path file) throws IOException {
        if (!Files.isRegularFile(database, LinkOption.NOFOLLOW_LINKS)
                || TrustedDirectory.fileProblem(database).isPresent()) {
            return false;
        }
        Instant made =
                Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        if (made.isAfter(Instant.now().minus(PortClaims.PENDING))) {
            return true;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(2000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database, config.toProperties());
                PreparedStatement q = c.prepareStatement("SELECT 1 FROM leases WHERE port = ? AND group_id = ?")) {
            q.setInt(1, port);
            q.setString(2, group);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            // Busy past the timeout: it may well hold the port, so the port is skipped. Anything
            // else (no leases table, not a database) cannot hold it.
            return e instanceof SQLiteException s
                    && (s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                            || s.getResultCode() == SQLiteErrorCode.SQLITE_LOCKED);
        }
    }
}

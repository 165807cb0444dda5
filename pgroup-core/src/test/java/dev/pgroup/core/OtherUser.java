package dev.pgroup.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * A real second local user, for tests about what another user can do to pgroup's dirs. Creating it
 * needs root, which CI has ({@code useradd -M pgroup-other}); elsewhere such tests are skipped.
 */
final class OtherUser {
    static final String NAME = "pgroup-other";

    private OtherUser() {}

    /** Gives {@code path} (not what a symlink points to) to the other user. */
    static void chown(Path path) throws IOException, InterruptedException {
        Files.getFileAttributeView(
                        path, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(principal());
    }

    static UserPrincipal principal() throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create and use a second user");
        try {
            return lookup();
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            Process p = new ProcessBuilder("useradd", "-M", NAME).inheritIO().start();
            p.waitFor();
            return lookup();
        }
    }

    private static UserPrincipal lookup() throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
    }
}

package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A container runs as its image's user, root here, with its process dir mounted: under a rootful
 * engine, what it writes there is root's. A group of a user who is not root then holds a dir that
 * user cannot empty. The user is real ({@link OtherUser}, a JVM run as it, in the {@code docker}
 * group to reach the daemon's socket).
 */
@ExtendWith(ContainerEngineAvailable.class)
class ContainerFilesOfAnotherUserTest {
    private Path root;
    private Path other;
    private String id;

    @BeforeEach
    void dirs() throws Exception {
        OtherUser.principal();
        root = Files.createTempDirectory("pgroup-container-user");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        other = Files.createDirectory(root.resolve("other"));
        OtherUser.chown(other);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void clear() throws Exception {
        if (id != null) {
            ContainerEngineAvailable.docker("rm", "-f", id + "-writer"); // never leave it running
            asOther("try-terminate", id).rest();
        }
        FileTrees.deleteTree(root);
    }

    @Test
    void terminateAsAUserWhoIsNotRootDeletesWhatTheContainerWroteAsRoot() throws Exception {
        Path definition = Files.createDirectory(root.resolve("def"));
        Files.writeString(
                definition.resolve("group.toml"),
                """
                [[process]]
                name = "writer"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "mkdir {{process.dir}}/data && echo x > {{process.dir}}/data/file && echo written && exec sleep 1000"]
                ready = { log = "written" }
                stop_timeout = "2s"
                """);
        Files.setPosixFilePermissions(definition, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(definition.resolve("group.toml"), PosixFilePermissions.fromString("rw-r--r--"));
        try (OtherUserJvm started = asOther("detached", definition.toString())) {
            id = started.lines.get(0);
            assertThat(started.process.waitFor()).isZero();
        }
        Path groupDir = other.resolve("base").resolve(id);
        Path data = Files.list(other.resolve("base"))
                .filter(d -> d.getFileName().toString().equals(id)
                        || d.getFileName().toString().startsWith(id))
                .findFirst()
                .orElse(groupDir)
                .resolve("writer/data");
        assertThat(Files.getOwner(data).getName())
                .as("owner of the dir the container made")
                .isEqualTo("root");

        List<String> terminate;
        try (OtherUserJvm t = asOther("try-terminate", id)) {
            terminate = t.lines;
        }

        assertThat(terminate).as("what terminate said").containsExactly("terminated");
        assertThat(data).doesNotExist();
        assertThat(ContainerGroupTest.containers(id))
                .as("containers of the group")
                .isEmpty();
        id = null;
    }

    private OtherUserJvm asOther(String... mode) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(
                other.resolve("base").toString(),
                other.resolve("db").resolve("pgroup.db").toString(),
                "13450",
                "13459"));
        args.addAll(List.of(mode));
        return OtherUserJvm.run(
                root, Map.of("HOME", other.toString()), other, List.of("docker"), args.toArray(String[]::new));
    }
}

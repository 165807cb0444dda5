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
        Path definition = writerDefinition("pgroup-test/busybox");
        try (OtherUserJvm started = asOther("detached", definition.toString())) {
            id = started.lines.get(0);
            assertThat(started.process.waitFor()).isZero();
        }
        Path data = other.resolve("base").resolve(id).resolve("writer/data");
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

    @Test
    void pruneAsAUserWhoIsNotRootDeletesWhatTheContainerWroteAsRoot() throws Exception {
        Path definition = writerDefinition("pgroup-test/busybox");
        Path groupDir;
        // given: the owning JVM killed -9; its watchdog stops the group, whose files are prune's
        try (OtherUserJvm owner = asOther("hold", definition.toString())) {
            id = owner.lines.get(0);
            groupDir = other.resolve("base").resolve(id);
            assertThat(Files.getOwner(groupDir.resolve("writer/data")).getName())
                    .isEqualTo("root");
        }
        dev.pgroup.core.internal.os.Deadline.in(java.time.Duration.ofSeconds(10))
                .await(() -> ContainerGroupTest.containers(id).isEmpty(), java.time.Duration.ofMillis(50));

        List<String> prune;
        try (OtherUserJvm t = asOther("prune")) {
            prune = t.lines;
        }

        assertThat(prune).as("what prune did").anyMatch(l -> l.startsWith("action: removed group " + id));
        assertThat(prune).as("what prune did").noneMatch(l -> l.startsWith("listed: " + id));
        assertThat(groupDir).doesNotExist();
        assertThat(ContainerGroupTest.containers(id))
                .as("containers of the group")
                .isEmpty();
        id = null;
    }

    @Test
    void terminateThatCannotGiveTheFilesBackSaysHowAndAfterTheWayOutFinishes() throws Exception {
        // An image without chown, as a distroless one: busybox with only the applets the writer uses.
        String image = "pgroup-test/no-chown:" + ProcessHandle.current().pid();
        Path stage = Files.createDirectories(root.resolve("image/bin"));
        Files.copy(Path.of("/bin/busybox"), stage.resolve("busybox"));
        for (String applet : List.of("sh", "mkdir", "echo", "sleep")) {
            Files.createSymbolicLink(stage.resolve(applet), Path.of("busybox"));
        }
        Process tar = new ProcessBuilder(
                        "sh",
                        "-c",
                        "tar -C \"$1\" -c . | docker import - \"$2\"",
                        "sh",
                        stage.getParent().toString(),
                        image)
                .redirectErrorStream(true)
                .start();
        String built = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).as(built).isZero();
        try {
            Path definition = writerDefinition(image);
            try (OtherUserJvm started = asOther("detached", definition.toString())) {
                id = started.lines.get(0);
                assertThat(started.process.waitFor()).isZero();
            }
            Path writerDir = other.resolve("base").resolve(id).resolve("writer");
            assertThat(Files.getOwner(writerDir.resolve("data")).getName()).isEqualTo("root");

            List<String> first;
            try (OtherUserJvm t = asOther("try-terminate", id)) {
                first = t.lines;
            }

            assertThat(first).hasSize(1);
            assertThat(first.get(0))
                    .startsWith("failed: cannot delete " + other.resolve("base").resolve(id))
                    .contains("process 'writer' (image " + image + ")")
                    .contains("chown")
                    .contains("sudo rm -rf " + writerDir)
                    .contains("then terminate or prune again finishes")
                    .contains("group " + id + " stays registered");
            assertThat(other.resolve("base").resolve(id).resolve(".pgroup/manifest.properties"))
                    .as("the proof that the dir is the group's")
                    .exists();
            assertThat(ContainerGroupTest.containers(id))
                    .as("containers of the group")
                    .isEmpty();

            // The way out, as root: then the user's terminate finishes.
            FileTrees.deleteTree(writerDir.resolve("data"));
            List<String> second;
            try (OtherUserJvm t = asOther("try-terminate", id)) {
                second = t.lines;
            }
            assertThat(second).containsExactly("terminated");
            assertThat(other.resolve("base").resolve(id)).doesNotExist();
            id = null;
        } finally {
            ContainerEngineAvailable.docker("rmi", "-f", image);
        }
    }

    private Path writerDefinition(String image) throws Exception {
        Path definition = Files.createDirectory(root.resolve("def"));
        Files.writeString(
                definition.resolve("group.toml"),
                """
                [[process]]
                name = "writer"
                image = "IMAGE"
                command = ["sh", "-c", "mkdir {{process.dir}}/data && echo x > {{process.dir}}/data/file && echo written && exec sleep 1000"]
                ready = { log = "written" }
                stop_timeout = "2s"
                """
                        .replace("IMAGE", image));
        Files.setPosixFilePermissions(definition, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(definition.resolve("group.toml"), PosixFilePermissions.fromString("rw-r--r--"));
        return definition;
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

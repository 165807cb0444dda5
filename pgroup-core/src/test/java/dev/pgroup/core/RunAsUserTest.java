package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code user}: a process run as another user when pgroup runs as root, and only it reaches its dir. */
@ExtendWith(GroupsExtension.class)
class RunAsUserTest {

    @Test
    void processRunsAsTheUserAndCanWriteItsProcessDir(Groups groups) throws Exception {
        OtherUser.principal();
        openForOthers(groups.dir());
        Path def = groups.definition(
                """
                [[process]]
                name = "who"
                command = ["sh", "-c", "id -un; cat conf.txt; touch made-here && echo wrote; exec sleep 60"]
                user = "pgroup-other"
                templates = ["conf.txt"]
                ready = { log = "^wrote$" }
                """);
        Files.writeString(def.resolve("conf.txt"), "conf of {{process.name}}\n");

        Group group = groups.started(def);

        assertThat(group.logTail("who", 3).stream().map(l -> l.substring(l.indexOf(' ') + 1)))
                .containsExactly("pgroup-other", "conf of who", "wrote");
        Path dir = group.directory().resolve("who");
        assertThat(owner(dir.resolve("made-here"))).isEqualTo(uid(OtherUser.NAME));
        assertThat(owner(dir.resolve("conf.txt"))).isEqualTo(uid(OtherUser.NAME));
    }

    @Test
    void onlyTheUserReachesTheProcessDirAndItCannotReplaceRunitsScripts(Groups groups) throws Exception {
        OtherUser.principal();
        openForOthers(groups.dir());
        Group group = groups.started(
                """
                [[process]]
                name = "who"
                command = ["sh", "-c", "echo up; exec sleep 60"]
                user = "pgroup-other"
                ready = { log = "^up$" }
                """);
        Path groupDir = group.directory();
        Path dir = groupDir.resolve("who");
        int gid = gid(OtherUser.NAME);

        assertThat(mode(groupDir)).isEqualTo(0710);
        assertThat(attr(groupDir, "gid")).isEqualTo(gid);
        assertThat(mode(dir)).isEqualTo(01770);
        assertThat(owner(dir)).isZero();
        assertThat(attr(dir, "gid")).isEqualTo(gid);
        assertThat(mode(groupDir.resolve(".logs"))).isEqualTo(0700);
        assertThat(owner(groupDir.resolve(".logs"))).isZero();
        // Every name runsv would run as root is root's already.
        for (String script : List.of("run", "finish", "check", "control", "log/run")) {
            assertThat(owner(dir.resolve(script))).as(script).isZero();
        }
        assertThat(asUser("mv " + dir.resolve("run") + " " + dir.resolve("run.old")))
                .isNotZero();
        assertThat(asUser("echo x > " + dir.resolve("log/run"))).isNotZero();
        assertThat(asUser("ls " + groupDir.resolve(".logs"))).isNotZero();
        assertThat(asUser("touch " + dir.resolve("mine"))).isZero();
        // No one else passes.
        assertThat(asUser(OtherUser2.name(), "ls " + dir)).isNotZero();
    }

    @Test
    void aUserProcessThatExitsDuringStartIsReportedWithItsStatus(Groups groups) throws Exception {
        OtherUser.principal();
        openForOthers(groups.dir());
        Group group = groups.create(
                """
                [[process]]
                name = "who"
                command = ["sh", "-c", "echo giving up; exit 3"]
                user = "pgroup-other"
                ready = { log = "^never$" }
                """);

        // The finish script pgroup puts in the user's place records the exit, as its own do.
        assertThatThrownBy(() -> group.start(Groups.START_TIMEOUT))
                .isInstanceOf(StartException.class)
                .hasMessageContaining("with status 3")
                .hasMessageContaining("giving up");
    }

    @Test
    void theSeedRunsAsTheUserAndItsCopyIsTheUsers(Groups groups) throws Exception {
        OtherUser.principal();
        openForOthers(groups.dir());
        Path def = groups.definition(
                """
                [[process]]
                name = "who"
                command = ["sh", "-c", "cat state/seeded-by; echo more >> state/seeded-by && echo appended; exec sleep 60"]
                user = "pgroup-other"
                ready = { log = "^appended$" }
                seed = { command = ["sh", "-c", "mkdir $0/state && id -un > $0/state/seeded-by", "{{seed.dir}}"], inputs = [] }
                """);

        Group group = groups.started(def);

        assertThat(group.logTail("who", 2).get(0)).endsWith(" pgroup-other");
        Path copy = group.directory().resolve("who/state/seeded-by");
        assertThat(owner(copy)).isEqualTo(uid(OtherUser.NAME));
        assertThat(Files.readAllLines(copy)).containsExactly("pgroup-other", "more");
    }

    @Test
    void unknownUserFailsNamingFileLineAndKeyAndLeavesNothing(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "who"
                command = ["sleep", "60"]
                user = "no-such-user-q7"
                """);

        assertThatThrownBy(() -> groups.create(def)).isInstanceOfSatisfying(DefinitionException.class, e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.key()).hasValue("user");
            assertThat(e.process()).hasValue("who");
            assertThat(e.getMessage()).contains("no user 'no-such-user-q7'");
        });
        assertThat(groups.engine().groupIds()).isEmpty();
    }

    @Test
    void aBaseDirTheUserCannotReachFailsNamingTheClosedDir(Groups groups) throws Exception {
        OtherUser.principal();
        // The test's temp dir stays root's 0700, as /root is.
        Path def = groups.definition(
                """
                [[process]]
                name = "who"
                command = ["sleep", "60"]
                user = "pgroup-other"
                """);

        assertThatThrownBy(() -> groups.create(def)).isInstanceOfSatisfying(DefinitionException.class, e -> {
            assertThat(e.key()).hasValue("user");
            assertThat(e.getMessage())
                    .contains("user 'pgroup-other' cannot reach")
                    .contains(groups.dir() + " (mode 0700) does not let it pass");
        });
        assertThat(groups.engine().groupIds()).isEmpty();
    }

    @Test
    void userNameOfTheWrongFormFails(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "who"
                command = ["sleep", "60"]
                user = "a b"
                """);

        assertThatThrownBy(() -> groups.create(def)).isInstanceOfSatisfying(DefinitionException.class, e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.key()).hasValue("user");
        });
    }

    /** The test's temp dir is root's 0700: a process of another user must pass through it. */
    static void openForOthers(Path dir) throws IOException {
        Files.setAttribute(dir, "unix:mode", 0711);
    }

    static int asUser(String shell) throws Exception {
        return asUser(OtherUser.NAME, shell);
    }

    static int asUser(String user, String shell) throws Exception {
        Process p = new ProcessBuilder("chpst", "-u", user, "sh", "-c", shell)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    static int owner(Path p) throws IOException {
        return attr(p, "uid");
    }

    static int mode(Path p) throws IOException {
        return attr(p, "mode") & 07777;
    }

    static int attr(Path p, String name) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    static int uid(String user) throws Exception {
        return Integer.parseInt(id("-u", user));
    }

    static int gid(String user) throws Exception {
        return Integer.parseInt(id("-g", user));
    }

    private static String id(String option, String user) throws Exception {
        Process p = new ProcessBuilder("id", option, user).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    /** A third user, to show that a user other than the process's is kept out. */
    static final class OtherUser2 {
        static String name() throws Exception {
            String name = "pgroup-third";
            if (new ProcessBuilder("id", name).start().waitFor() != 0) {
                new ProcessBuilder("useradd", "-M", name).inheritIO().start().waitFor();
            }
            return name;
        }
    }
}

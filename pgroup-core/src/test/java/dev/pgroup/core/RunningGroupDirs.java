package dev.pgroup.core;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.FileTrees;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.SupervisedState;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The {@code rm -rf} (or {@code mvn clean}) of a running group's dir that tests simulate. A start
 * returns once every process is ready, which can be before runit is done writing: a probe of 20
 * redis starts saw svlogd create its {@code lock} file after start returned, and runsv writes its
 * {@code supervise/} files after the fork it reports. A delete racing those writes failed with
 * {@code DirectoryNotEmptyException} in a test's setup. So the delete waits until runit has settled:
 * every service and its svlogd up as runsv recorded it, and every log dir opened.
 */
final class RunningGroupDirs {
    private RunningGroupDirs() {}

    /** Deletes the dir of the running {@code group} once runit no longer writes in it. */
    static void delete(Group group) throws IOException {
        GroupLayout layout = new GroupLayout(group.directory());
        boolean settled = Deadline.in(Duration.ofSeconds(10))
                .await(() -> group.processes().stream().allMatch(p -> settled(layout, p)), Duration.ofMillis(5));
        if (!settled) {
            throw new AssertionError("runit did not settle in " + group.directory());
        }
        FileTrees.deleteTree(group.directory());
    }

    private static boolean settled(GroupLayout layout, String process) {
        return SupervisedState.read(layout.serviceDir(process)).kind() == SupervisedState.Kind.RUN
                && SupervisedState.read(layout.serviceDir(process).resolve("log"))
                                .kind()
                        == SupervisedState.Kind.RUN
                && Files.exists(layout.logDir(process).resolve("lock"))
                && Files.exists(layout.logFile(process));
    }
}

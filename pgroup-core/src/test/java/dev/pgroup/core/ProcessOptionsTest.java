package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.ProcessStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The group.toml options beyond the minimal form: workdir, env, restart policy. */
@ExtendWith(GroupsExtension.class)
class ProcessOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void workdirAndEnvReachTheProcess(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                env = { FROM_GROUP = "group-wide", OVERRIDDEN = "group" }
                [[process]]
                name = "show"
                command = ["sh", "-c", "echo \\"dir=$(pwd) group=$FROM_GROUP own=$OVERRIDDEN port=$MY_PORT\\"; exec sleep 60"]
                ports = ["main"]
                workdir = "data"
                env = { OVERRIDDEN = "process", MY_PORT = "{{port.main}}" }
                ready = { log = "^dir=" }
                """);
        Group group = groups.started(def);

        String line = group.logTail("show", 1).get(0);
        assertThat(line)
                .endsWith("dir=" + group.directory().resolve("show/data") + " group=group-wide own=process port="
                        + group.port("show", "main"));
    }

    @Test
    void restartNeverLeavesAnExitedProcessDown(Groups groups) throws Exception {
        Path def = groups.definition(
                """
                [[process]]
                name = "once"
                command = ["sh", "-c", "echo up; while [ ! -f stop-now ]; do sleep 0.02; done; echo bye"]
                restart = "never"
                ready = { log = "^up$" }
                """);
        Group group = groups.started(def);
        Path service = group.directory().resolve("once");

        Files.writeString(service.resolve("stop-now"), "");

        boolean down = Deadline.in(Duration.ofSeconds(10))
                .await(
                        () -> {
                            SupervisedState s = SupervisedState.read(service);
                            return s.kind() == SupervisedState.Kind.DOWN && !s.wantUp();
                        },
                        Duration.ofMillis(10));
        assertThat(down).as("down, and runit no longer wants it up").isTrue();
        assertThat(group.status().get(0).state()).isEqualTo(ProcessState.DOWN);
    }

    @Test
    void restartAlwaysBringsAnExitedProcessBack(Groups groups) throws Exception {
        Path def = groups.definition(
                """
                [[process]]
                name = "again"
                command = ["sh", "-c", "echo up; while [ ! -f stop-now ]; do sleep 0.02; done; rm stop-now; echo bye"]
                ready = { log = "^up$" }
                """);
        Group group = groups.started(def);
        long first = group.status().get(0).pid();

        Files.writeString(group.directory().resolve("again/stop-now"), "");

        boolean back = Deadline.in(Duration.ofSeconds(10))
                .await(
                        () -> {
                            ProcessStatus s = group.status().get(0);
                            return s.state() == ProcessState.RUN && s.pid() != first;
                        },
                        Duration.ofMillis(20));
        assertThat(back).as("runit restarted it with a new pid").isTrue();
    }

    @Test
    void missingAbsoluteWorkdirIsADefinitionError() throws IOException {
        Path def = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "lost"
                command = ["sleep", "60"]
                workdir = "/no/such/dir/pgroup"
                """);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"))) {
            DefinitionException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    DefinitionException.class, () -> engine.create(def));
            assertThat(e.key()).contains("workdir");
            assertThat(e.getMessage()).contains("/no/such/dir/pgroup does not exist");
        }
    }
}

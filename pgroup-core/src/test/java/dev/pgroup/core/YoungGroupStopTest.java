package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.SupervisedState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A young group's stop never waits out runsv's 1 s back-off (runsv sleeps 1 s after a service that
 * ran under 1 s exits, even when told to exit). The tests do not time the stop, which a loaded
 * machine can slow past any bound (1.04 s under load 11); they look at what runsv wrote. runsv
 * records when its service went down and only then sleeps; once awake, and told to exit, it tells
 * its log service to exit too and records that in {@code log/supervise/} (want down, then down
 * once svlogd is gone). So a stop that paid the back-off leaves that record, and one that ended
 * runsv during it leaves the log service recorded as running and wanted up.
 *
 * <p>An iteration counts only where runsv owed the back-off: its service ran under 1 s by runsv's
 * own clock. A stop that ends runsv after its back-off, whatever the cause, leaves the record, so
 * each test passes when one of its counted stops did not pay it, the way a fastest of three did.
 */
@ExtendWith(GroupsExtension.class)
class YoungGroupStopTest {
    private static final String TOML =
            """
            [[process]]
            name = "a"
            command = ["sleep", "60"]
            [[process]]
            name = "b"
            command = ["sleep", "60"]
            """;
    private static final Duration RUNSV_BACK_OFF = Duration.ofSeconds(1);
    private static final int COUNTED = 3;
    private static final int MAX_TRIES = 10;

    @Test
    void aYoungGroupStopsWithoutRunsvsBackOff(Groups groups) throws Exception {
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < MAX_TRIES && counted.size() < COUNTED; i++) {
            Group group = groups.started(TOML);
            GroupLayout layout = new GroupLayout(group.directory());
            Map<String, Instant> runSince = new LinkedHashMap<>();
            group.processes()
                    .forEach(p -> runSince.put(
                            p, SupervisedState.read(layout.serviceDir(p)).since()));

            group.stop();

            assertThat(group.isRunning()).isFalse();
            if (runSince.keySet().stream().allMatch(p -> owedBackOff(layout.serviceDir(p), runSince.get(p)))) {
                counted.add(runsvExitedItself(layout, group.processes()));
            }
        }

        assertThat(counted).as("stops where runsv owed its back-off").isNotEmpty();
        assertThat(counted)
                .as("per counted stop, the processes whose runsv lived through its back-off")
                .contains("");
    }

    @Test
    void aYoungGroupWhoseDirectoryIsGoneTerminatesWithoutRunsvsBackOff(Groups groups) throws Exception {
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < MAX_TRIES && counted.size() < COUNTED; i++) {
            Path termFile = groups.dir().resolve("term-" + i);
            // The service records when TERM reached it: the group's files are gone by then.
            Group group = groups.started(
                    """
                    [[process]]
                    name = "a"
                    command = ["perl", "-MTime::HiRes=time", "-e",
                               '$SIG{TERM} = sub { open my $f, q{>}, $ARGV[0]; printf $f q{%.6f}, time; exit 0 }; sleep 60 while 1',
                               "TERM_FILE"]
                    """
                            .replace("TERM_FILE", termFile.toString()));
            GroupLayout layout = new GroupLayout(group.directory());
            long service = group.manifest().processes().get(0).pid();
            Instant runSince = SupervisedState.read(layout.serviceDir("a")).since();
            // runsv's warnings go to runsvdir's log; the open file outlives the deleted dir.
            try (InputStream runsvdirLog = Files.newInputStream(layout.runsvdirLog())) {
                runsvdirLog.skip(Files.size(layout.runsvdirLog()));
                RunningGroupDirs.delete(group);

                group.terminate();

                assertThat(ProcessHandle.of(service).filter(ProcessHandle::isAlive))
                        .as("its processes are gone")
                        .isEmpty();
                // runsv's service ran from runSince until shortly after TERM: half a second of margin.
                Instant term = termTime(termFile);
                if (term != null && Duration.between(runSince, term).compareTo(RUNSV_BACK_OFF.dividedBy(2)) < 0) {
                    // In a deleted dir, runsv's record of its log's exit fails, with a warning naming
                    // log/supervise/pid.new (the earlier ones name supervise/, its service's files).
                    String log = new String(runsvdirLog.readAllBytes(), StandardCharsets.UTF_8);
                    counted.add(log.lines()
                            .filter(l -> l.contains("log/supervise/"))
                            .findFirst()
                            .orElse(""));
                }
            }
        }

        assertThat(counted).as("terminates where runsv owed its back-off").isNotEmpty();
        assertThat(counted)
                .as("per counted terminate, runsv's warning from after its back-off")
                .contains("");
    }

    /**
     * Whether runsv owed the back-off when its service went down: it ran under 1 s by the times
     * runsv recorded. A runsv ended before it recorded the service down never got to its back-off.
     */
    private static boolean owedBackOff(Path serviceDir, Instant runSince) {
        SupervisedState after = SupervisedState.read(serviceDir);
        return after.kind() != SupervisedState.Kind.DOWN
                || Duration.between(runSince, after.since()).compareTo(RUNSV_BACK_OFF) < 0;
    }

    /** The processes whose runsv told its log service to exit, which it does only after its back-off. */
    private static String runsvExitedItself(GroupLayout layout, List<String> processes) {
        List<String> out = new ArrayList<>();
        for (String p : processes) {
            SupervisedState log = SupervisedState.read(layout.serviceDir(p).resolve("log"));
            if (log.kind() != SupervisedState.Kind.RUN || !log.wantUp()) {
                out.add(p + " (log " + log.kind() + (log.wantUp() ? ", want up" : ", want down") + ")");
            }
        }
        return String.join(",", out);
    }

    private static Instant termTime(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String s = Files.readString(file).strip();
        if (s.isEmpty()) {
            return null;
        }
        double seconds = Double.parseDouble(s);
        return Instant.ofEpochSecond((long) seconds, (long) ((seconds - Math.floor(seconds)) * 1e9));
    }
}

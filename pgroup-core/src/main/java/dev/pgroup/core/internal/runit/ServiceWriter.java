package dev.pgroup.core.internal.runit;

import static dev.pgroup.core.internal.os.Shell.quote;
import static dev.pgroup.core.internal.os.Shell.quoteAll;

import dev.pgroup.core.internal.os.Spawning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes one process's runit service dir: {@code run}, {@code log/run}, and where needed
 * {@code check} (so {@code sv check} works for a person), {@code control/t} (a stop signal other
 * than TERM), {@code finish} (a restart policy other than always) and {@code down} (a process that
 * waits for {@code after}; start brings it up with {@code sv up}).
 *
 * <p>Every value is single-quoted: a value from {@code group.toml} is data, never shell code.
 */
public final class ServiceWriter {
    private final Runit runit;
    private final String groupId;
    private final Path readyCheckScript;
    private final PassedSockets sockets;
    private final GroupLayout layout;

    public ServiceWriter(Runit runit, String groupId, GroupLayout layout) {
        this(runit, groupId, layout, PassedSockets.NONE);
    }

    /** @param sockets every socket the group passes: each run script inherits them all */
    public ServiceWriter(Runit runit, String groupId, GroupLayout layout, PassedSockets sockets) {
        this.runit = runit;
        this.groupId = groupId;
        this.readyCheckScript = layout.readyCheckScript();
        this.sockets = sockets;
        this.layout = layout;
    }

    public void write(ProcessPlan p, List<String> readyCommand) throws IOException {
        Path dir = p.serviceDir();
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(p.logDir());

        StringBuilder run = header(p)
                // One stream: svlogd gets stderr too, so crash messages reach the log tail.
                .append("exec 2>&1\n")
                .append(workdirAndEnvironment(p));
        List<String> command = p.command();
        if (p.passing() == null) {
            run.append(sockets.closeAll());
        } else if (sockets.needsMover(p.name())) {
            p.passing().installLauncher();
            command = sockets.throughMover(p.name(), p.passing(), command);
        } else {
            run.append(sockets.handOver(p.name(), p.passing().protocol()));
        }
        run.append("exec ").append(quoteAll(command)).append('\n');
        script(dir.resolve("run"), run);

        script(
                dir.resolve("log").resolve("run"),
                header(p)
                        .append(sockets.closeAll())
                        .append("exec ")
                        .append(quote(runit.svlogd().toString()))
                        .append(" -tt ")
                        .append(quote(p.logDir().toString()))
                        .append('\n'));

        String check = checkScript(p, readyCommand);
        if (check != null) {
            script(dir.resolve("check"), header(p).append(check));
        }
        if (!p.stopSignal().equals("TERM")) {
            Files.createDirectories(dir.resolve("control"));
            // runsv runs control/t instead of sending TERM when it exits 0 (runsv(8), "customize").
            script(
                    dir.resolve("control").resolve("t"),
                    header(p).append("kill -s ").append(p.stopSignal()).append(" \"$(cat supervise/pid)\"\n"));
        }
        // $1 is the exit code of ./run, -1 when a signal ended it; $2 the signal (runsv(8)). The
        // record tells start how the process exited: runsv's own status does not say.
        String record =
                "echo \"$1 $2\" > " + quote(SupervisedState.exitRecord(dir).toString()) + "\n";
        String down = "exec " + quote(runit.sv().toString()) + " down " + quote(dir.toString()) + "\n";
        // A container outlives its client when the client is killed: the finish script removes it,
        // so that it is gone before runsv restarts the run script (which reuses its name).
        String removeContainer = p.container() == null ? "" : ContainerRemoval.finishLine(p.container());
        switch (p.restart()) {
            case ALWAYS -> {
                if (p.container() != null) {
                    script(dir.resolve("finish"), header(p).append(removeContainer));
                }
            }
            case ON_FAILURE -> script(
                    dir.resolve("finish"),
                    header(p)
                            .append(removeContainer)
                            .append(record)
                            .append("[ \"$1\" = 0 ] && ")
                            .append(down)
                            .append("exit 0\n"));
            case NEVER -> script(
                    dir.resolve("finish"),
                    header(p).append(removeContainer).append(record).append(down));
        }
        if (!p.after().isEmpty()) {
            Files.writeString(dir.resolve("down"), "");
        }
        if (p.container() != null) {
            p.container().writeMarker(layout, p.name());
        }
    }

    private String checkScript(ProcessPlan p, List<String> readyCommand) throws IOException {
        return switch (p.ready()) {
            case NONE -> null;
            case TCP -> readyCheck("tcp", p.readyTarget().split(" ")[0]);
            case HTTP -> readyCheck("http", p.readyTarget());
            case LOG -> readyCheck("log", p.readyTarget(), p.logFile().toString());
            case SOCKET_PASSED -> "# The sockets listen since the group's start, before runsv ran this process, and\n"
                    + "# it inherited them: running is ready (sv check runs this only for a service that is up).\n"
                    + "exit 0\n";
            case COMMAND -> workdirAndEnvironment(p) + "exec " + quoteAll(readyCommand) + "\n";
            case EXIT -> "# A one-shot step: done once its finish script recorded the expected exit status.\n"
                    + "read status rest < supervise/" + SupervisedState.EXIT_RECORD + " 2>/dev/null && [ \"$status\" = "
                    + quote(p.readyTarget()) + " ]\n";
        };
    }

    /**
     * A call of the group's ready-check.pl, which means what start's checks in Java mean: one
     * meaning of "ready" whether pgroup's start or a person's {@code sv check} asks.
     */
    private String readyCheck(String kind, String... args) throws IOException {
        ReadyCheckScript.install(readyCheckScript);
        List<String> call = new java.util.ArrayList<>(List.of("perl", readyCheckScript.toString(), kind));
        call.addAll(List.of(args));
        return "exec " + quoteAll(call) + "\n";
    }

    /** The process's working dir and extra environment, for the run script and a ready command alike. */
    private static String workdirAndEnvironment(ProcessPlan p) {
        StringBuilder s =
                new StringBuilder("cd ").append(quote(p.workdir().toString())).append(" || exit 111\n");
        p.env().forEach((name, value) -> s.append("export ")
                .append(name)
                .append('=')
                .append(quote(value))
                .append('\n'));
        return s.toString();
    }

    private StringBuilder header(ProcessPlan p) {
        return new StringBuilder("#!/bin/sh\n# Written by pgroup for process ")
                .append(p.name())
                .append(" of group ")
                .append(groupId)
                .append(". Change group.toml, not this file.\n");
    }

    private static void script(Path file, CharSequence text) throws IOException {
        Spawning.writeExecutable(file, text);
    }
}

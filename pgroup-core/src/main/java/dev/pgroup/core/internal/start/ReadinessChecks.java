package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.RuntimeSettings.ProcessSettings;
import java.net.URI;
import java.util.regex.Pattern;

/** The {@link ReadinessCheck} a process's {@code ready} setting asks for. */
final class ReadinessChecks {
    private ReadinessChecks() {}

    /** @param logOffset size of the process's log before launch; a log check reads only what follows */
    static ReadinessCheck of(ProcessSettings p, GroupLayout layout, long logOffset) {
        return switch (p.ready()) {
            case NONE -> ReadinessCheck.running(); // see RunningWithoutCheck and StartWaiter.step()
            case EXIT -> ReadinessCheck.running(); // never asked: step() waits for the exit
            case TCP -> ReadinessCheck.tcp(p.readyTarget());
            case HTTP -> ReadinessCheck.http(URI.create(p.readyTarget()));
            case LOG -> ReadinessCheck.logLine(layout.logFile(p.name()), Pattern.compile(p.readyTarget()), logOffset);
            case SOCKET_PASSED -> ReadinessCheck.socketPassed(p.readyTarget());
            case COMMAND -> ReadinessCheck.command(
                    layout.serviceDir(p.name()).resolve("check"), layout.serviceDir(p.name()));
        };
    }
}

package dev.pgroup.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout} of the commands that start a group and wait for it ({@code start}, {@code up}). */
final class TimeoutOption {
    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for readiness: 500ms, 30s, 2m, PT1M. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    Duration value() {
        return timeout;
    }
}

package dev.pgroup.junit5;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension's settings, read as JUnit configuration parameters, else as system properties: so
 * {@code -Dpgroup.keep=failed} works from Maven and from an IDE's run configuration, also under a
 * launcher that reads no implicit parameters (EngineTestKit).
 */
record Settings(Optional<Path> baseDir, Optional<Path> database, Duration startTimeout, boolean keepFailed) {
    static final String BASE_DIR = "pgroup.baseDir";
    static final String DATABASE = "pgroup.database";
    static final String START_TIMEOUT = "pgroup.startTimeout";
    static final String KEEP = "pgroup.keep";

    static Settings of(ExtensionContext context) {
        String keep = parameter(context, KEEP).orElse("never").trim();
        if (!keep.equals("never") && !keep.equals("failed")) {
            throw new ExtensionConfigurationException(KEEP + " must be 'failed' or 'never', was '" + keep + "'");
        }
        String timeout = parameter(context, START_TIMEOUT).orElse("60").trim();
        long seconds;
        try {
            seconds = Long.parseLong(timeout);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds <= 0) {
            throw new ExtensionConfigurationException(
                    START_TIMEOUT + " must be a positive number of seconds, was '" + timeout + "'");
        }
        return new Settings(
                parameter(context, BASE_DIR).map(Path::of),
                parameter(context, DATABASE).map(Path::of),
                Duration.ofSeconds(seconds),
                keep.equals("failed"));
    }

    private static Optional<String> parameter(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)))
                .filter(v -> !v.isBlank());
    }
}

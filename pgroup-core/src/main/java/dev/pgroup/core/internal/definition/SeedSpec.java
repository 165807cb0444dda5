package dev.pgroup.core.internal.definition;

import dev.pgroup.core.model.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tomlj.TomlTable;

/**
 * A process's {@code seed = { command = [...], inputs = [...], timeout = "5m" }}: a command run
 * once per machine whose output, the files it writes into {@code {{seed.dir}}}, every group of the
 * definition gets a copy of in its process dir.
 *
 * @param command the seed's program and arguments, placeholders unrendered
 * @param inputs files and dirs of the definition dir whose content is part of the seed's key,
 *     relative paths
 * @param timeout how long the seed may run before it is killed
 * @param line the line {@code seed} was written on
 */
public record SeedSpec(List<String> command, List<String> inputs, Duration timeout, int line) {
    static final Set<String> KEYS = Set.of("command", "inputs", "timeout");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public SeedSpec {
        command = List.copyOf(command);
        inputs = List.copyOf(inputs);
    }

    /** The {@code seed} of process table {@code t}, or null when it has none. */
    static SeedSpec parse(DefinitionToml toml, TomlTable t, String process, Path directory) {
        Object value = t.get(List.of("seed"));
        if (value == null) {
            return null;
        }
        int line = DefinitionToml.line(t, "seed");
        if (!(value instanceof TomlTable seed)) {
            throw toml.fail(
                    line,
                    process,
                    "seed",
                    "must be a table, e.g. seed = { command = [\"sh\", \"{{definition.dir}}/seed.sh\","
                            + " \"{{seed.dir}}\"], inputs = [\"seed.sh\"] }");
        }
        toml.rejectUnknownKeys(seed, KEYS, process, "seed.");
        List<String> command = toml.strings(seed, "command", process, "seed.command");
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw toml.fail(
                    line,
                    process,
                    "seed.command",
                    seed.get(List.of("command")) == null
                            ? "missing: say what prepares the seed, e.g. command = [\"sh\","
                                    + " \"{{definition.dir}}/seed.sh\", \"{{seed.dir}}\"]"
                            : "must not be empty: its first element is the program to run");
        }
        List<String> inputs = new ArrayList<>();
        for (String input : toml.strings(seed, "inputs", process, "seed.inputs")) {
            inputs.add(input(toml, directory, input, process, line));
        }
        Duration timeout = DEFAULT_TIMEOUT;
        String timeoutText = toml.optionalString(seed, "timeout", process, null);
        if (timeoutText != null) {
            try {
                timeout = Durations.parsePositive(timeoutText);
            } catch (IllegalArgumentException e) {
                throw toml.fail(line, process, "seed.timeout", e.getMessage());
            }
        }
        return new SeedSpec(command, inputs, timeout, line);
    }

    /**
     * An input is part of the definition: a relative path that stays inside the definition dir,
     * symlinks resolved, so that the key says what the seed was made from.
     */
    private static String input(DefinitionToml toml, Path directory, String input, String process, int line) {
        Path relative = DefinitionPaths.relative(toml, directory, input, process, line, "seed.inputs");
        Path source = directory.resolve(relative);
        try {
            Path real = DefinitionPaths.realInside(toml, directory, relative, input, process, line, "seed.inputs");
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(real)) {
                throw toml.fail(line, process, "seed.inputs", "'" + input + "' is neither a file nor a directory");
            }
        } catch (NoSuchFileException e) {
            throw toml.fail(line, process, "seed.inputs", "input '" + input + "' not found at " + source);
        } catch (IOException e) {
            throw toml.fail(line, process, "seed.inputs", "cannot read '" + input + "': " + e);
        }
        return relative.toString();
    }
}

package dev.pgroup.core;

import dev.pgroup.core.internal.definition.TomlText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A process's seed in a {@link GroupSpec}: what {@code seed = { command = [...], inputs = [...],
 * timeout = "5m" }} says in {@code group.toml}, for {@link ProcessSpec#seed(SeedSpec)}:
 *
 * <pre>{@code
 * SeedSpec.command("sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}")
 *         .inputs(Path.of("src/test/seed/seed.sh"), Path.of("src/test/seed/schema.sql"))
 * }</pre>
 *
 * <p>A spec has no definition dir of its own, so its inputs are files (or dirs) anywhere, given as
 * paths: each create copies them, under their file names, into the temp dir the spec is rendered
 * into, where {@code {{definition.dir}}} points while the seed runs. Their content is part of the
 * seed's key as a directory's inputs are: change one and the next create runs the seed again.
 * Immutable: every method returns a new seed.
 */
public final class SeedSpec {
    private final List<String> command;
    private final List<Path> inputs;
    private final Duration timeout;

    private SeedSpec(List<String> command, List<Path> inputs, Duration timeout) {
        this.command = List.copyOf(command);
        this.inputs = List.copyOf(inputs);
        this.timeout = timeout;
    }

    /**
     * {@code seed.command}: writes the seed's files into {@code {{seed.dir}}}; placeholders as in
     * {@code group.toml} ({@code {{seed.dir}}}, {@code {{seed.port}}}, {@code {{definition.dir}}}, ...).
     */
    public static SeedSpec command(String... programAndArguments) {
        return new SeedSpec(List.of(programAndArguments), List.of(), null);
    }

    /**
     * {@code seed.inputs}: files or dirs the seed is made from, added to the earlier ones. Each is
     * copied into the rendered definition dir under its file name, so {@code
     * Path.of("src/test/seed/schema.sql")} is {@code {{definition.dir}}/schema.sql} to the seed; a
     * relative path is resolved against the working directory now.
     *
     * @throws IllegalArgumentException at once when two inputs have the same file name, or one is
     *     named {@code group.toml} (the spec's own file)
     */
    public SeedSpec inputs(Path... files) {
        List<Path> more = new ArrayList<>(inputs);
        for (Path file : files) {
            Path absolute = file.toAbsolutePath().normalize();
            String name = SpecSource.fileName(absolute, "seed input");
            for (Path earlier : more) {
                if (earlier.getFileName().toString().equals(name) && !earlier.equals(absolute)) {
                    throw new IllegalArgumentException("seed inputs " + earlier + " and " + absolute
                            + " would both be {{definition.dir}}/" + name + "; rename one");
                }
            }
            if (!more.contains(absolute)) {
                more.add(absolute);
            }
        }
        return new SeedSpec(command, more, timeout);
    }

    /** {@code seed.timeout}: a seed still running then is killed and the create fails (default 5 min). */
    public SeedSpec timeout(Duration limit) {
        return new SeedSpec(command, inputs, Objects.requireNonNull(limit, "limit"));
    }

    /** The inputs as absolute paths, for the spec's rendered dir. */
    List<Path> inputPaths() {
        return inputs;
    }

    /** The inline table this seed stands for. */
    String toToml() {
        StringBuilder out = new StringBuilder("{ command = ").append(TomlText.array(command));
        if (!inputs.isEmpty()) {
            out.append(", inputs = ")
                    .append(TomlText.array(
                            inputs.stream().map(p -> p.getFileName().toString()).toList()));
        }
        if (timeout != null) {
            out.append(", timeout = ").append(TomlText.string(timeout.toString()));
        }
        return out.append(" }").toString();
    }
}

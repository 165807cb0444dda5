package dev.pgroup.core;

import dev.pgroup.core.internal.definition.TomlText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ProcessSpec} rendered as what create reads: its {@code [[process]]} table, and the
 * files it puts beside the rendered {@code group.toml}. Apart from the builder so that the
 * builder holds only the values and their checks.
 */
final class ProcessSpecToml {
    private ProcessSpecToml() {}

    /** Appends the {@code [[process]]} table {@code p} stands for; unset keys are left out. */
    static void append(ProcessSpec p, StringBuilder out) {
        out.append("\n[[process]]\n");
        out.append("name = ").append(TomlText.string(p.name)).append('\n');
        if (!p.command.isEmpty()) {
            // Left out rather than []: a container may run its image's CMD, and a missing command
            // of a binary gets the parser's "missing: say what to run".
            out.append("command = ").append(TomlText.array(p.command)).append('\n');
        }
        appendArray(out, "ports", p.ports);
        appendPaths(out, "templates", p.templates);
        appendPaths(out, "files", p.files);
        appendArray(out, "listen", p.listen);
        appendOptional(out, "listen_protocol", p.listenProtocol);
        appendArray(out, "after", p.after);
        if (p.readyKey != null) {
            out.append("ready = { ").append(p.readyKey).append(" = ");
            if (p.readyValue instanceof List<?> list) {
                out.append(TomlText.array(list.stream().map(String::valueOf).toList()));
            } else if (p.readyValue instanceof Integer i) {
                out.append(i);
            } else {
                out.append(TomlText.string((String) p.readyValue));
            }
            out.append(" }\n");
        }
        appendOptional(out, "restart", p.restart);
        appendOptional(out, "stop_signal", p.stopSignal);
        appendOptional(out, "stop_timeout", p.stopTimeout);
        appendOptional(out, "workdir", p.workdir);
        if (!p.env.isEmpty()) {
            out.append("env = ").append(TomlText.inlineTable(p.env)).append('\n');
        }
        appendOptional(out, "user", p.user);
        if (p.seed != null) {
            out.append("seed = ").append(p.seed.toToml()).append('\n');
        }
        appendOptional(out, "image", p.image);
        if (!p.publish.isEmpty()) {
            out.append("publish = { ");
            out.append(String.join(
                    ", ",
                    p.publish.entrySet().stream()
                            .map(e -> TomlText.string(e.getKey()) + " = " + e.getValue())
                            .toList()));
            out.append(" }\n");
        }
        appendOptional(out, "engine", p.engine);
        if (p.pull != null) {
            out.append("pull = ").append(p.pull).append('\n');
        }
    }

    /** The templates, files and seed inputs {@code p} puts into the rendered dir, by TOML key. */
    static Map<String, List<SpecSource>> sources(ProcessSpec p) {
        Map<String, List<SpecSource>> all = new LinkedHashMap<>();
        all.put("templates", List.copyOf(p.templates));
        all.put("files", List.copyOf(p.files));
        all.put(
                "seed.inputs",
                p.seed == null
                        ? List.of()
                        : p.seed.inputPaths().stream()
                                .map(path -> new SpecSource(path.getFileName().toString(), path, null))
                                .toList());
        return all;
    }

    /** Whether a seed runs as another user, who must then read its inputs in the rendered dir. */
    static boolean seedsAsAnotherUser(ProcessSpec p) {
        return p.seed != null && p.user != null;
    }

    private static void appendArray(StringBuilder out, String key, List<String> values) {
        if (!values.isEmpty()) {
            out.append(key).append(" = ").append(TomlText.array(values)).append('\n');
        }
    }

    private static void appendPaths(StringBuilder out, String key, List<SpecSource> sources) {
        appendArray(out, key, sources.stream().map(SpecSource::path).toList());
    }

    private static void appendOptional(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append(" = ").append(TomlText.string(value)).append('\n');
        }
    }
}

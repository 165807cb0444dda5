package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What start and stop need to know about each process, kept in the group dir so that a group can
 * be started or stopped by a later Maven goal, another JVM or the CLI.
 */
public record RuntimeSettings(List<ProcessSettings> processes) {

    /** One process's settings. */
    public record ProcessSettings(
            String name, ReadySpec.Kind ready, String readyTarget, List<String> after, Duration stopTimeout) {}

    public static RuntimeSettings of(List<ProcessPlan> plans) {
        List<ProcessSettings> processes = new ArrayList<>();
        for (ProcessPlan p : plans) {
            processes.add(new ProcessSettings(p.name(), p.ready(), p.readyTarget(), p.after(), p.stopTimeout()));
        }
        return new RuntimeSettings(processes);
    }

    public List<String> names() {
        return processes.stream().map(ProcessSettings::name).toList();
    }

    /**
     * Writes the settings in {@link Properties} format, read back by {@link #read}. Written directly
     * rather than with {@code Properties.store}, which formats a date comment and sorts a hash table:
     * at hundreds of creates a second that was a tenth of create's CPU.
     */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder("#pgroup runtime settings\n");
        entry(text, "processes", String.join(",", names()));
        for (ProcessSettings p : processes) {
            String k = "process." + p.name() + ".";
            entry(text, k + "ready", p.ready().name());
            entry(text, k + "ready.target", p.readyTarget());
            entry(text, k + "after", String.join(",", p.after()));
            entry(text, k + "stop_timeout_ms", Long.toString(p.stopTimeout().toMillis()));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void entry(StringBuilder text, String key, String value) {
        escape(text, key, true);
        text.append('=');
        escape(text, value, false);
        text.append('\n');
    }

    /** What {@code Properties.store(Writer, ...)} escapes, so that {@code Properties.load} reads it back. */
    private static void escape(StringBuilder out, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
    }

    public static RuntimeSettings read(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
            List<ProcessSettings> processes = new ArrayList<>();
            for (String name : list(props.getProperty("processes"))) {
                String k = "process." + name + ".";
                processes.add(new ProcessSettings(
                        name,
                        ReadySpec.Kind.valueOf(props.getProperty(k + "ready")),
                        props.getProperty(k + "ready.target"),
                        list(props.getProperty(k + "after")),
                        Duration.ofMillis(Long.parseLong(props.getProperty(k + "stop_timeout_ms")))));
            }
            return new RuntimeSettings(processes);
        } catch (IOException | RuntimeException e) {
            throw new PGroupException("cannot read the group settings " + file + ": " + e, e);
        }
    }

    private static List<String> list(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
    }
}

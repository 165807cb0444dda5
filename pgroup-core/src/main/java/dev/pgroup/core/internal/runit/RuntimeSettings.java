package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
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

    public void write(Path file) throws IOException {
        Properties props = new Properties();
        props.setProperty("processes", String.join(",", names()));
        for (ProcessSettings p : processes) {
            String k = "process." + p.name() + ".";
            props.setProperty(k + "ready", p.ready().name());
            props.setProperty(k + "ready.target", p.readyTarget());
            props.setProperty(k + "after", String.join(",", p.after()));
            props.setProperty(
                    k + "stop_timeout_ms", Long.toString(p.stopTimeout().toMillis()));
        }
        StringWriter text = new StringWriter();
        props.store(text, "pgroup runtime settings");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(text.toString());
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

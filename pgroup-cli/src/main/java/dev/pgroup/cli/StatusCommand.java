package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.ProcessStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        description = {
            "One line per process: state (run, down, fail, never, unknown), process, pid, ports, and"
                    + " how long it has been in that state.",
            "Without ID: every process of every group of this user on this machine."
        })
final class StatusCommand extends EngineCommand {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "The group id; default: every group.")
    String id;

    @Option(names = "--json", description = "Print JSON instead: one object per group.")
    boolean json;

    @Override
    int run(PGroupEngine engine) {
        List<Group> groups = new ArrayList<>();
        if (id != null) {
            groups.add(engine.open(id));
        } else {
            for (GroupInfo info : engine.list()) {
                groups.add(engine.open(info.id()));
            }
        }
        if (json) {
            List<Object> out = new ArrayList<>();
            for (Group g : groups) {
                out.add(toJson(g));
            }
            out().println(Json.write(id != null ? out.get(0) : out));
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        for (Group g : groups) {
            for (ProcessStatus p : g.status()) {
                rows.add(new String[] {
                    Formats.state(p.state()),
                    id != null ? p.name() : g.id() + "/" + p.name(),
                    p.pid() > 0 ? "pid " + p.pid() : "-",
                    Formats.ports(p.ports()),
                    p.since().isZero() ? "-" : Formats.duration(p.since())
                });
            }
        }
        out().print(Formats.columns(rows));
        return 0;
    }

    private static Map<String, Object> toJson(Group g) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("id", g.id());
        group.put("name", g.name());
        group.put("directory", g.directory().toString());
        group.put("manifest", g.manifestFile().toString());
        group.put("running", g.isRunning());
        List<Object> processes = new ArrayList<>();
        for (ProcessStatus p : g.status()) {
            Map<String, Object> process = new LinkedHashMap<>();
            process.put("name", p.name());
            process.put("state", Formats.state(p.state()));
            process.put("pid", p.pid());
            process.put("ports", new LinkedHashMap<>(p.ports()));
            process.put("sinceMillis", p.since().toMillis());
            processes.add(process);
        }
        group.put("processes", processes);
        return group;
    }
}

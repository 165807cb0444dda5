package dev.pgroup.cli;

import dev.pgroup.PGroup;
import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.ExportedNames;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "env",
        description = {
            "Print shell 'export' lines for a group: PGROUP_ID, PGROUP_NAME, PGROUP_DIR, PGROUP_MANIFEST"
                    + " (which tests read through PGroup.current()), PGROUP_MANIFEST_<NAME>, and"
                    + " PGROUP_<PROCESS>_<PORT>_PORT for every port.",
            "Use it as: eval \"$(pgroup env ID)\""
        })
final class EnvCommand extends EngineCommand {
    @Parameters(paramLabel = "ID", description = "The group id.")
    String id;

    @Override
    int run(PGroupEngine engine) {
        Group group = engine.open(id);
        StringBuilder s = new StringBuilder();
        export(s, "PGROUP_ID", group.id());
        export(s, "PGROUP_NAME", group.name());
        export(s, "PGROUP_DIR", group.directory().toString());
        export(s, PGroup.MANIFEST_ENV, group.manifestFile().toString());
        export(
                s,
                ExportedNames.manifestVariable(group.name()),
                group.manifestFile().toString());
        for (Map.Entry<String, Map<String, Integer>> process : group.ports().entrySet()) {
            for (Map.Entry<String, Integer> port : process.getValue().entrySet()) {
                export(
                        s,
                        ExportedNames.portVariable(process.getKey(), port.getKey()),
                        port.getValue().toString());
            }
        }
        out().print(s);
        return 0;
    }

    static String variable(String name) {
        return ExportedNames.variable(name);
    }

    private static void export(StringBuilder s, String name, String value) {
        s.append("export ").append(name).append('=').append(quote(value)).append('\n');
    }

    /** Single quotes keep every character literal; a quote itself is closed, escaped and reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}

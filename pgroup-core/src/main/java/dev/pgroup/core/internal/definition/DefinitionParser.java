package dev.pgroup.core.internal.definition;

import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code group.toml} (TOML 1.0, via tomlj) into a {@link GroupDefinition}, checking
 * everything that can be checked before a port is leased. Every error names the file, the line,
 * the process and the key.
 */
public final class DefinitionParser {
    public static final String FILE_NAME = "group.toml";

    static final Set<String> GROUP_KEYS = Set.of("name", "env", "process", "engine");

    private final DefinitionToml toml;
    private final Path directory;
    private final ProcessTable processTable;

    private DefinitionParser(DefinitionToml toml, Path directory) {
        this.toml = toml;
        this.directory = directory;
        this.processTable = new ProcessTable(toml, directory);
    }

    /**
     * Parses {@code <definitionDir>/group.toml}.
     *
     * @param nameOverride a group name to use instead of the file's {@code name}, or null
     */
    public static GroupDefinition parse(Path definitionDir, String nameOverride) {
        Path dir = definitionDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isDirectory(dir)) {
            throw new DefinitionException(dir, 0, null, null, "the group definition directory does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DefinitionException(file, 0, null, null, "no " + FILE_NAME + " in the definition directory");
        }
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new DefinitionException(dir, 0, null, null, "cannot resolve the definition directory: " + e);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DefinitionException(file, 0, null, null, "cannot read: " + e.getMessage());
        }
        // The same bytes and source files parse the same: a suite's hundredth group skips the parse.
        java.util.Optional<GroupDefinition> cached = DefinitionCache.find(realDir, nameOverride, bytes);
        if (cached.isPresent() && cached.get().file().equals(file)) {
            return cached.get();
        }
        GroupDefinition definition =
                new DefinitionParser(DefinitionToml.parse(file, bytes), realDir).parse(nameOverride);
        DefinitionCache.put(realDir, nameOverride, bytes, definition);
        return definition;
    }

    private GroupDefinition parse(String nameOverride) {
        TomlTable root = toml.root();
        toml.rejectUnknownKeys(root, GROUP_KEYS, null, "");
        ContainerSpec.checkGroupEngine(toml);

        String name = nameOverride != null
                ? nameOverride
                : toml.optionalString(root, "name", null, Names.fromDirectory(directory));
        int nameLine = nameOverride != null ? 0 : DefinitionToml.line(root, "name");
        if (!Names.isValid(name)) {
            if (nameOverride != null) {
                // Not group.toml's fault; CreateOptions checks this first.
                throw new IllegalArgumentException(
                        "the group name '" + name + "' given in the create options " + Names.RULE);
            }
            throw toml.fail(nameLine, null, "name", "'" + name + "' " + Names.RULE);
        }
        Map<String, String> groupEnv = EnvTable.parse(toml, root, null);

        Object processesValue = root.get(List.of("process"));
        if (processesValue == null) {
            throw toml.fail(0, null, "process", "no [[process]] table: a group needs at least one process");
        }
        if (!(processesValue instanceof TomlArray array)) {
            throw toml.fail(
                    DefinitionToml.line(root, "process"),
                    null,
                    "process",
                    "must be an array of tables, written [[process]]");
        }
        List<ProcessDefinition> processes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                TomlPosition pos = array.inputPositionOf(i);
                throw toml.fail(
                        pos == null ? 0 : pos.line(),
                        null,
                        "process",
                        "must be an array of tables, written [[process]]");
            }
            ProcessDefinition p = processTable.parse(table, array.inputPositionOf(i));
            Integer earlier = seen.putIfAbsent(p.name(), p.line("name"));
            if (earlier != null) {
                throw toml.fail(
                        p.line("name"),
                        p.name(),
                        "name",
                        "duplicate process name; it is already used on line " + earlier);
            }
            processes.add(p);
        }
        AfterGraph.check(processes, toml);
        checkExportedNames(name, nameLine, processes);
        return new GroupDefinition(toml.file(), directory, name, groupEnv, processes);
    }

    /**
     * Every port is exported as {@code PGROUP_<PROCESS>_<PORT>_PORT} (the CLI's {@code env}), and
     * the manifest as {@code PGROUP_MANIFEST_<GROUP>}. Names that differ only in {@code -} and
     * {@code _}, or in where the process name ends, map to one variable, and the last would silently
     * win.
     */
    private void checkExportedNames(String groupName, int groupNameLine, List<ProcessDefinition> processes) {
        Map<String, String> owners = new HashMap<>();
        Map<String, Integer> ownerLines = new HashMap<>();
        String manifest = dev.pgroup.core.model.ExportedNames.manifestVariable(groupName);
        owners.put(manifest, "the manifest of group '" + groupName + "'");
        ownerLines.put(manifest, groupNameLine);
        for (ProcessDefinition p : processes) {
            for (String port : p.ports()) {
                String variable = dev.pgroup.core.model.ExportedNames.portVariable(p.name(), port);
                String owner = "port '" + port + "' of process \"" + p.name() + "\"";
                String earlier = owners.putIfAbsent(variable, owner);
                if (earlier != null) {
                    int earlierLine = ownerLines.get(variable);
                    throw toml.fail(
                            p.line("ports"),
                            p.name(),
                            "ports",
                            owner + " would be exported as " + variable + ", the same variable as " + earlier
                                    + (earlierLine > 0 ? " (line " + earlierLine + ")" : "")
                                    + "; rename one of them");
                }
                ownerLines.put(variable, p.line("ports"));
            }
        }
    }
}

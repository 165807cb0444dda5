package dev.pgroup.core.internal;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.definition.SourceFiles;
import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where a process with a {@code workdir} runs, checked against what the process dir holds. */
final class ProcessWorkdir {
    private ProcessWorkdir() {}

    /**
     * A relative workdir stays inside the process dir, as the reference says: {@code ../..} would
     * run the process somewhere the definition does not own. Inside the process dir it must not
     * take the place of a file runit or the definition puts there. An absolute one is the user's
     * own directory and is only checked to exist (at create).
     */
    static Path resolve(GroupDefinition definition, ProcessDefinition p, String rendered, Path serviceDir) {
        Path resolved = serviceDir.resolve(rendered).normalize();
        if (!Path.of(rendered).isAbsolute() && !resolved.startsWith(serviceDir)) {
            throw fail(
                    definition,
                    p,
                    "workdir",
                    "'" + rendered + "' leaves the process directory; a relative workdir stays inside it"
                            + " (give an absolute path for a directory elsewhere)");
        }
        if (resolved.startsWith(serviceDir) && !resolved.equals(serviceDir)) {
            Path relative = serviceDir.relativize(resolved);
            String first = relative.getName(0).toString();
            if (SourceFiles.RUNIT_FILES.contains(first)) {
                throw fail(
                        definition,
                        p,
                        "workdir",
                        "'" + rendered + "' would take the place of runit's '" + first
                                + "' in the process directory; choose another name");
            }
            for (String written : concat(p.templates(), p.files())) {
                if (relative.startsWith(Path.of(written))) {
                    throw fail(
                            definition,
                            p,
                            "workdir",
                            "'" + rendered + "' would be a directory where "
                                    + (p.files().contains(written) ? "the file '" : "the template '") + written
                                    + "' is written; choose another name");
                }
            }
        }
        return resolved;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static DefinitionException fail(
            GroupDefinition definition, ProcessDefinition p, String key, String problem) {
        return new DefinitionException(definition.file(), p.line(key), p.name(), key, problem);
    }
}

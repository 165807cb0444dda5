package dev.pgroup.core.internal;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.Placeholders;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.definition.TemplateText;
import dev.pgroup.core.internal.os.DiskSpace;
import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.Spawning;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.ProcessPlan;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Fills a planned process's dir at create: the dir, its templates and files, its workdir. */
final class ProcessDirWriter {
    private final GroupDefinition definition;
    private final GroupLayout layout;
    private final Function<String, Placeholders> placeholders;
    private final ProgramResolver programs;

    /** @param placeholders the placeholders a process's templates may use, by process name */
    ProcessDirWriter(
            GroupDefinition definition,
            GroupLayout layout,
            Function<String, Placeholders> placeholders,
            ProgramResolver programs) {
        this.definition = definition;
        this.layout = layout;
        this.placeholders = placeholders;
        this.programs = programs;
    }

    /**
     * Makes a process's dir ready for its service files: the dir itself, its templates and files,
     * its workdir, and a check that its program can run, now rather than at start.
     */
    void prepare(ProcessDefinition p, ProcessPlan plan) throws IOException {
        Files.createDirectories(plan.serviceDir());
        writeFiles(p);
        prepareWorkdir(p, plan);
        programs.requireExecutable(p, Path.of(plan.command().get(0)), "command", "command[0]");
    }

    /** A workdir inside the process dir is created; one elsewhere must exist, as the user's own dir. */
    private void prepareWorkdir(ProcessDefinition p, ProcessPlan plan) {
        if (plan.workdir().startsWith(plan.serviceDir())) {
            try {
                Files.createDirectories(plan.workdir());
            } catch (IOException e) {
                throw fail(p, "workdir", "cannot create " + plan.workdir() + ": " + e);
            }
        } else if (!Files.isDirectory(plan.workdir())) {
            throw fail(p, "workdir", "directory " + plan.workdir() + " does not exist");
        }
    }

    /**
     * Writes a process's templates (rendered) and files (as they are) into its process dir. Errors
     * name the definition file, the key and the process, or the template file and line.
     */
    private void writeFiles(ProcessDefinition process) {
        for (String template : process.templates()) {
            write(process, template, "templates", true);
        }
        for (String file : process.files()) {
            write(process, file, "files", false);
        }
    }

    private void write(ProcessDefinition process, String name, String key, boolean render) {
        Path source = definition.directory().resolve(name);
        Path serviceDir = layout.serviceDir(process.name());
        Path target = serviceDir.resolve(name);
        if (!target.normalize().startsWith(serviceDir)) {
            throw fail(process, key, "'" + name + "' escapes the process dir");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(source);
        } catch (IOException e) {
            throw fail(process, key, "cannot read '" + name + "' (" + source + "): " + e);
        }
        if (render) {
            bytes = TemplateText.render(bytes, placeholders.apply(process.name()), source, process.name());
        }
        try {
            Files.createDirectories(target.getParent());
            if (Files.isExecutable(source)) {
                Spawning.writeExecutable(target, bytes); // a script may be the program itself
            } else {
                Files.write(target, bytes);
                FilePermissions.makePrivate(target);
            }
        } catch (IOException e) {
            // A full disk is no fault of the definition: a PGroupException, named as one.
            DiskSpace.lowSpaceNote(serviceDir).ifPresent(note -> {
                throw new PGroupException(
                        "cannot write " + key + " '" + name + "' of process \"" + process.name() + "\" to " + target
                                + ": " + e + " (" + note + ")",
                        e);
            });
            throw fail(process, key, "cannot write '" + name + "' to " + target + ": " + e);
        }
    }

    private DefinitionException fail(ProcessDefinition p, String key, String problem) {
        return new DefinitionException(definition.file(), p.line(key), p.name(), key, problem);
    }
}

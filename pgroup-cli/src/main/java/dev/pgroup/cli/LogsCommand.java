package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "logs",
        description = {
            "Show the last lines of a group's logs (svlogd's 'current' file of each process, with its"
                    + " timestamps). With several processes every line starts with the process name.",
            "-f keeps printing new lines, also across svlogd's rotations, until Ctrl-C or until the"
                    + " group is terminated."
        })
final class LogsCommand extends EngineCommand {
    private static final long POLL_MILLIS = 200;

    @Parameters(index = "0", paramLabel = "ID", description = "The group id.")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROCESS", description = "Only this process.")
    String process;

    @Option(
            names = {"-n", "--lines"},
            paramLabel = "N",
            defaultValue = "20",
            description = "How many lines of each log to show first. Default: ${DEFAULT-VALUE}.")
    int lines;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing lines as they are written.")
    boolean follow;

    @Override
    int run(PGroupEngine engine) throws InterruptedException {
        if (lines < 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "-n must not be negative, was " + lines);
        }
        Group group = engine.open(id);
        List<String> names = process == null ? group.processes() : List.of(process);
        boolean prefix = names.size() > 1;
        List<Followed> logs = new ArrayList<>();
        PrintWriter out = out();
        for (String name : names) {
            Path file = group.logFile(name);
            // Where following starts: the end of the file as it is before the tail is read.
            Followed f = new Followed(prefix ? name + " | " : "", file);
            if (lines > 0) {
                for (String line : group.logTail(name, lines)) {
                    out.println(f.prefix + line);
                }
            }
            logs.add(f);
        }
        out.flush();
        if (!follow) {
            return 0;
        }
        CountDownLatch never = new CountDownLatch(1);
        while (Files.isDirectory(group.directory())) {
            for (Followed f : logs) {
                f.printNew(out);
            }
            out.flush();
            never.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        err().println("pgroup: group " + id + " is gone (terminated)");
        return 0;
    }

    /** One log file read from where it was last read; svlogd's rotation renames it, so a new file starts over. */
    private static final class Followed {
        final String prefix;
        final Path file;
        Object fileKey;
        long position;
        final StringBuilder partial = new StringBuilder();

        Followed(String prefix, Path file) {
            this.prefix = prefix;
            this.file = file;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                fileKey = a.fileKey();
                position = a.size();
            } catch (IOException e) {
                fileKey = null;
                position = 0;
            }
        }

        void printNew(PrintWriter out) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
            if (!Objects.equals(a.fileKey(), fileKey) || a.size() < position) {
                fileKey = a.fileKey();
                position = 0;
            }
            if (a.size() == position) {
                return;
            }
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(position);
                byte[] bytes = in.readNBytes((int) Math.min(a.size() - position, 1 << 20));
                position += bytes.length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                return;
            }
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                out.println(prefix + partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
        }
    }
}

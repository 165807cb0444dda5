package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "up",
        description = {
            "Create a group from DIR, start it, wait until it is ready and print its id and ports"
                    + " (id=<id>, then <process>.<port>=<number>, one a line).",
            "Then stay in the foreground: Ctrl-C (SIGINT) or SIGTERM stops and terminates the group,"
                    + " so nothing is left behind. Exits 1 if the group stops by itself.",
            "",
            "Run in a Maven project (a dir with pom.xml), DIR defaults to src/it/pgroup and the group goes"
                    + " to target/pgroup, where PGroup.current() in the project's tests finds it: start the"
                    + " group here, then run an integration test from the IDE."
        })
final class UpCommand extends EngineCommand {
    private static final long WATCH_MILLIS = 500;

    /** What the Maven plugin uses by default, relative to the project dir. */
    static final Path PROJECT_DEFINITION = Path.of("src", "it", "pgroup");

    static final Path PROJECT_BASE_DIR = Path.of("target", "pgroup");

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            description = "The group definition directory (holds group.toml)."
                    + " Default in a Maven project: src/it/pgroup.")
    Path definition;

    @picocli.CommandLine.Mixin
    CreateArguments create = new CreateArguments();

    @picocli.CommandLine.Mixin
    TimeoutOption timeout = new TimeoutOption();

    /** In a Maven project the group goes where the project's tests look: PGroup.current() reads target/pgroup. */
    @Override
    Optional<Path> defaultBaseDir() {
        return inMavenProject() ? Optional.of(PROJECT_BASE_DIR.toAbsolutePath()) : Optional.empty();
    }

    private static boolean inMavenProject() {
        return Files.isRegularFile(Path.of("pom.xml"));
    }

    @Override
    int run(PGroupEngine engine) throws InterruptedException {
        PrintWriter out = out();
        PrintWriter err = err();
        Path dir = definition;
        if (dir == null) {
            if (!inMavenProject() || !Files.isDirectory(PROJECT_DEFINITION)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "Missing DIR: give the group definition directory (here is no Maven project with "
                                + PROJECT_DEFINITION + ")");
            }
            dir = PROJECT_DEFINITION;
        }
        // Owned by this JVM, not detached: if it is SIGKILLed, its leases count as a dead owner's.
        Group group = engine.create(dir, create.options(spec));
        Thread worker = Thread.currentThread();
        AtomicBoolean cleaned = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (cleaned.compareAndSet(false, true)) {
                try {
                    group.terminate();
                } catch (RuntimeException e) {
                    err.println("pgroup: " + Errors.message(e));
                    err.flush();
                }
            }
        };
        Thread hook = new Thread(
                () -> {
                    // Ends a start that is still waiting, which holds the group's lock.
                    worker.interrupt();
                    err.println("pgroup: stopping group " + group.id());
                    err.flush();
                    cleanup.run();
                },
                "pgroup-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean shuttingDown = false;
        try {
            try (Progress ignored = Progress.start(err, "starting group " + group.id(), timeout.value())) {
                group.start(timeout.value());
            }
            out.println("id=" + group.id());
            for (Map.Entry<String, Map<String, Integer>> p : group.ports().entrySet()) {
                p.getValue().forEach((port, number) -> out.println(p.getKey() + "." + port + "=" + number));
            }
            out.flush();
            err.println("pgroup: group " + group.id() + " is up; Ctrl-C stops and terminates it");
            err.flush();
            CountDownLatch never = new CountDownLatch(1);
            while (group.isRunning()) {
                never.await(WATCH_MILLIS, TimeUnit.MILLISECONDS);
            }
            throw new dev.pgroup.core.model.PGroupException(
                    "group " + group.id() + " stopped by itself (its runsvdir is gone); terminating it");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                shuttingDown = true;
            }
            if (shuttingDown) {
                // The hook owns the cleanup now and the JVM halts once it is done: say nothing more.
                Thread.interrupted();
                while (true) {
                    java.util.concurrent.locks.LockSupport.park(this);
                }
            } else {
                cleanup.run();
            }
        }
    }
}

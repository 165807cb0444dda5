package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgroup.core.internal.runit.GroupLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner watchdog learns the machine's architecture from the JVM (its os.arch) instead of loading
 * perl's Config on every start, and still makes itself the group's subreaper on Linux, which
 * every never-leak guarantee there rests on.
 */
@ExtendWith(GroupsExtension.class)
class WatchdogArchTest {
    @Test
    void onLinuxTheWatchdogOfAStartedGroupIsItsSubreaper(Groups groups) throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "PR_SET_CHILD_SUBREAPER is Linux's");
        Group group = groups.started(
                """
                [[process]]
                name = "a"
                command = ["sleep", "60"]
                """);

        String[] pidFile = Files.readString(new GroupLayout(group.directory()).watchdogPidFile())
                .trim()
                .split("\\s+");

        assertThat(pidFile).hasSize(3);
        assertThat(pidFile[2]).as("subreaper flag").isEqualTo("1");
    }

    @Test
    void theWatchdogLoadsNoModuleButStrict(@TempDir Path tmp) throws Exception {
        Path script = Path.of("src/main/resources/dev/pgroup/core/internal/runit/owner-watchdog.pl")
                .toAbsolutePath();
        // The watchdog run as the engine runs it, with /bin/true for runsvdir: it exits once its
        // child has, and prints what perl loaded on the way: at its exit_group(2) (a syscall of two
        // arguments; perl's END blocks do not run then), or in an END block where it exits by exit.
        String inc = "print STDERR 'INC:', join(',', sort keys %INC), qq(\\n)";
        Process p = new ProcessBuilder(
                        "perl",
                        "-e",
                        "BEGIN { *CORE::GLOBAL::syscall = sub { " + inc + " if @_ == 2;"
                                + " CORE::syscall($_[0], @_[1 .. $#_]) } }"
                                + " END { " + inc + " } my $s = shift; do $s; die $@ if $@",
                        script.toString(),
                        "/bin/true",
                        tmp.toString(),
                        System.getProperty("os.arch"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        String loaded = err.lines()
                .filter(l -> l.startsWith("INC:"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no INC line in: " + err));
        assertThat(loaded.substring(4).split(",")).containsExactlyInAnyOrder(script.toString(), "strict.pm");
    }

    @Test
    void theWatchdogExitsWithStatusZeroWithoutPerlsGlobalDestruction(@TempDir Path tmp) throws Exception {
        Path script = Path.of("src/main/resources/dev/pgroup/core/internal/runit/owner-watchdog.pl")
                .toAbsolutePath();
        // An END block and an object's DESTROY run in perl's exit, not after exit_group(2).
        Process p = new ProcessBuilder(
                        "perl",
                        "-e",
                        "package Probe; sub DESTROY { print STDERR qq(destroyed\\n) }"
                                + " package main; our $probe = bless {}, 'Probe';"
                                + " END { print STDERR qq(end\\n) } my $s = shift; do $s; die $@ if $@",
                        script.toString(),
                        "/bin/true",
                        tmp.toString(),
                        System.getProperty("os.arch"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        assertThat(err).doesNotContain("end").doesNotContain("destroyed");
    }
}

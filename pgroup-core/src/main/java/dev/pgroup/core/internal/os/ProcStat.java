package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One read of Linux's {@code /proc/PID/stat}: state, parent and start time together. The JDK's
 * {@link ProcessHandle} reads the same file once per call ({@code isAlive}, {@code parent}, {@code
 * of}), and {@code info()} reads it again with the command line, the executable link and the user
 * name (a parse of {@code /etc/passwd}), so a verification built from those calls read it five to
 * ten times per process; an strace of one stop of a 3-process group counted 97 reads of it and 14
 * of {@code /etc/passwd}. Callers that need several of these facts read them here once.
 *
 * <p>Start times are computed as the JDK computes {@link ProcessHandle.Info#startInstant()} on
 * Linux (boot time from {@code /proc/stat} plus the start in clock ticks), so that values from
 * either can be compared. That equality is checked once, on this JVM itself: where it does not hold
 * (a clock tick other than 100 Hz, no {@code /proc}: macOS), {@link #AVAILABLE} is false and
 * callers keep their portable path.
 *
 * @param state the state letter of stat(5): R, S, D, Z, ...
 * @param parent the parent's pid
 * @param startTicks start time after boot, in clock ticks: equal for two reads of the same process
 */
public record ProcStat(long pid, char state, long parent, long startTicks) {
    /** USER_HZ: fixed at 100 by the kernel's ABI on every architecture Linux JDKs run on; checked below. */
    private static final long TICKS_PER_SECOND = 100;

    private static final long BOOT_MILLIS = bootMillis();

    /** Whether this class's reads are usable here: Linux's {@code /proc}, start times as the JDK's. */
    public static final boolean AVAILABLE = agreesWithJdk();

    /** The process's stat, if it exists (a zombie too); empty when gone or without {@code /proc}. */
    public static Optional<ProcStat> read(long pid) {
        if (pid <= 0 || BOOT_MILLIS < 0) {
            return Optional.empty();
        }
        String stat;
        try {
            stat = readSmall(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty(); // gone
        }
        return parse(pid, stat);
    }

    /** A small {@code /proc} file in one read ({@link SmallFiles}). */
    static String readSmall(Path file) throws IOException {
        return new String(readSmallBytes(file), StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a small {@code /proc} file, read as {@link #readSmall} does. */
    static byte[] readSmallBytes(Path file) throws IOException {
        return SmallFiles.read(file);
    }

    /** Parses stat(5); the command name in parentheses may hold spaces and ')', so fields count from the last ')'. */
    static Optional<ProcStat> parse(long pid, String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return Optional.empty();
        }
        // Fields from the state (field 3 of stat(5)) on: state, ppid (4), ..., starttime (22).
        String[] f = stat.substring(close + 2).split(" ", 21);
        try {
            return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[19].strip())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether it has exited and waits to be reaped; a zombie is not running. */
    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }

    /** The start time in epoch millis, as {@link ProcessHandle.Info#startInstant()} gives it. */
    public long startMillis() {
        return BOOT_MILLIS + startTicks * 1000 / TICKS_PER_SECOND;
    }

    /** Whether {@code other} is a later read of this same process (same pid, same start). */
    public boolean sameProcess(ProcStat other) {
        return other.pid == pid && other.startTicks == startTicks;
    }

    private static long bootMillis() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim()) * 1000;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (macOS): not available.
        }
        return -1;
    }

    private static boolean agreesWithJdk() {
        if (BOOT_MILLIS < 0) {
            return false;
        }
        ProcessHandle self = ProcessHandle.current();
        Optional<Long> jdk = self.info().startInstant().map(i -> i.toEpochMilli());
        return jdk.isPresent()
                && read(self.pid()).map(s -> s.startMillis() == jdk.get()).orElse(false);
    }
}

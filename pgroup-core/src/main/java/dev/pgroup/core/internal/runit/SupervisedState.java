package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.SmallFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What runsv last wrote to {@code supervise/status} of one service: one 20-byte file read, no
 * {@code sv} spawned (spawning sv per poll for hundreds of groups eats the CPU, and sv fails right
 * after runsv starts with "unable to open supervise/ok").
 *
 * <p>Layout (runsv.c {@code update_status}): bytes 0-11 TAI64N time of the last change, 12-15 pid
 * little-endian, 16 paused, 17 want ('u' or 'd'), 18 got TERM, 19 state (0 down, 1 run, 2 finish).
 *
 * @param kind whether runit has seen the service at all
 * @param pid the service pid while it runs, else 0
 * @param wantUp whether runsv wants it up
 * @param since when the state last changed
 */
public record SupervisedState(Kind kind, long pid, boolean wantUp, Instant since) {

    public enum Kind {
        /** No {@code supervise/} dir: runit never saw this service. */
        NEVER_SUPERVISED,
        /** {@code supervise/} exists but runsv has not written a status yet. */
        NO_STATUS,
        RUN,
        DOWN,
        FINISH,
        UNREADABLE
    }

    private static final long TAI64_UNIX_OFFSET = 0x4000000000000000L + 10;

    public static SupervisedState read(Path serviceDir) {
        Path supervise = serviceDir.resolve("supervise");
        byte[] bytes;
        try {
            bytes = SmallFiles.read(supervise.resolve("status")); // one read(2): a stop reads 2 per process
        } catch (NoSuchFileException e) {
            Kind kind = Files.isDirectory(supervise) ? Kind.NO_STATUS : Kind.NEVER_SUPERVISED;
            return new SupervisedState(kind, 0, false, Instant.EPOCH);
        } catch (IOException e) {
            return new SupervisedState(Kind.UNREADABLE, 0, false, Instant.EPOCH);
        }
        if (bytes.length < 20) {
            return new SupervisedState(Kind.UNREADABLE, 0, false, Instant.EPOCH);
        }
        ByteBuffer big = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        long seconds = big.getLong(0) - TAI64_UNIX_OFFSET;
        int nanos = big.getInt(8);
        long pid = ByteBuffer.wrap(bytes, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        boolean wantUp = bytes[17] == 'u';
        Kind kind =
                switch (bytes[19]) {
                    case 0 -> Kind.DOWN;
                    case 1 -> Kind.RUN;
                    case 2 -> Kind.FINISH;
                    default -> Kind.UNREADABLE;
                };
        Instant since = seconds > 0 && nanos >= 0 && nanos < 1_000_000_000
                ? Instant.ofEpochSecond(seconds, nanos)
                : Instant.EPOCH;
        return new SupervisedState(kind, kind == Kind.RUN ? pid : 0, wantUp, since);
    }

    /**
     * Where pgroup's {@code finish} script records how the service last exited: runsv's status has
     * no exit status, and the finish script is the one place runsv hands it out ({@code $1}, {@code
     * $2}). Kept beside runsv's status, so that it is cleared with it.
     */
    public static Path exitRecord(Path serviceDir) {
        return serviceDir.resolve("supervise").resolve(EXIT_RECORD);
    }

    static final String EXIT_RECORD = "pgroup-exit";

    /**
     * How the service last exited, in words ({@code with status 3}, {@code on signal 9}), from the
     * record {@code finish} wrote; empty when there is none (yet).
     */
    public static java.util.Optional<String> lastExit(Path serviceDir) {
        String[] fields;
        try {
            fields = Files.readString(exitRecord(serviceDir)).trim().split("\\s+");
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        if (fields[0].isEmpty()) {
            return java.util.Optional.empty(); // being written
        }
        if (fields[0].equals("-1")) {
            return java.util.Optional.of(fields.length > 1 ? "on signal " + fields[1] : "on a signal");
        }
        if (fields[0].equals("111") && fields.length > 1 && fields[1].equals("0")) {
            // runsv(8): 111 and 0 when it cannot start ./run at all; a program may exit 111 too.
            return java.util.Optional.of("with status 111 (or runsv could not run it)");
        }
        return java.util.Optional.of("with status " + fields[0]);
    }

    /** The exit status its finish script recorded, if the process last exited normally (not by a signal). */
    public static java.util.OptionalInt lastExitStatus(Path serviceDir) {
        try {
            String[] fields = Files.readString(exitRecord(serviceDir)).trim().split("\\s+");
            int status = Integer.parseInt(fields[0]);
            return status < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalInt.empty();
        }
    }

    /** Removes what a previous runsv left, so a new start never reads a stale "run" or exit. */
    public static void clearStale(Path serviceDir) throws IOException {
        for (Path dir : new Path[] {
            serviceDir.resolve("supervise"), serviceDir.resolve("log").resolve("supervise")
        }) {
            if (!Files.isDirectory(dir)) {
                continue; // never started (every fresh group): one stat instead of four
            }
            for (String name : new String[] {"status", "stat", "pid", EXIT_RECORD}) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
    }
}

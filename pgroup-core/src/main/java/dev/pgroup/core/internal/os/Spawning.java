package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps this JVM's process spawns apart from its writes of files that will be executed.
 *
 * <p>A child forked while another thread has a script open for writing inherits that descriptor
 * until it execs (the JDK's spawn helper closes it only then). If runsv execs the script in that
 * window, exec fails with "text busy" (ETXTBSY), which was seen here with 50 groups started from 50
 * threads. Spawns and such writes therefore exclude each other; but spawns among themselves, and
 * writes among themselves, do not interfere and run side by side (one plain lock made hundreds of
 * concurrent creates and starts queue on each other's fork and exec, several milliseconds each on
 * a loaded machine). Whichever side waits goes next once the other side's current holders are
 * done, so a stream of spawns cannot starve the writes, nor the other way round; when both sides
 * keep coming they take turns.
 */
public final class Spawning {
    private static final int SPAWN = 0;
    private static final int WRITE = 1;
    private static final Object LOCK = new Object();
    /** Holders and waiters of each side, under LOCK. */
    private static final int[] ACTIVE = new int[2];

    private static final int[] WAITING = new int[2];
    /** The side that goes next when both want in. */
    private static int turn = SPAWN;

    private Spawning() {}

    public static Process start(ProcessBuilder pb) throws IOException {
        enter(SPAWN);
        try {
            return pb.start();
        } finally {
            exit(SPAWN);
        }
    }

    private static void enter(int side) {
        int other = 1 - side;
        boolean interrupted = false;
        synchronized (LOCK) {
            WAITING[side]++;
            if (ACTIVE[other] > 0) {
                turn = side; // the other side's current holders finish, then this side goes
            }
            while (ACTIVE[other] > 0 || (WAITING[other] > 0 && turn != side)) {
                try {
                    LOCK.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // a spawn or write is short; finish it, keep the flag
                }
            }
            WAITING[side]--;
            ACTIVE[side]++;
            if (WAITING[other] > 0) {
                turn = other; // this side's later arrivals wait until the other side has had its go
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void exit(int side) {
        synchronized (LOCK) {
            if (--ACTIVE[side] == 0) {
                if (WAITING[1 - side] > 0) {
                    turn = 1 - side;
                }
                LOCK.notifyAll();
            }
        }
    }

    /** Runs a short command, output discarded; true when it exits 0. */
    public static boolean runQuietly(java.util.List<String> command) {
        try {
            Process p = start(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes a file that will be executed, and makes it executable for the user only. */
    public static void writeExecutable(Path file, CharSequence text) throws IOException {
        writeExecutable(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static void writeExecutable(Path file, byte[] bytes) throws IOException {
        enter(WRITE);
        try {
            Files.write(file, bytes);
        } finally {
            exit(WRITE);
        }
        FilePermissions.makeExecutable(file);
    }
}

package dev.pgroup.core.internal.os;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A small file in one {@code read(2)}: {@code /proc/PID/stat}, runit's 20-byte {@code
 * supervise/status}. A stop reads these for every process, and a poll again and again. {@link
 * Files#readAllBytes} costs open, fstat, read, a second read for the end of file, close; a {@link
 * FileInputStream} open, fstat (the JDK's check that it is no directory), read, close. Here it is
 * open, read, close: a read that does not fill the buffer has reached the end, since a regular file
 * returns less only at its end and the kernel hands a {@code /proc} file's one line over whole.
 *
 * <p>A {@link FileChannel} fails on an interrupted thread ({@link ClosedByInterruptException}),
 * and an interrupted start or a stop must still see its processes: then a stream reads the file.
 */
public final class SmallFiles {
    private static final int SIZE = 1024;

    private SmallFiles() {}

    /**
     * The file's bytes.
     *
     * @throws NoSuchFileException when it does not exist (a process gone, a status not written yet)
     */
    public static byte[] read(Path file) throws IOException {
        if (!Thread.currentThread().isInterrupted()) {
            try (FileChannel channel = FileChannel.open(file)) {
                ByteBuffer buf = ByteBuffer.allocate(SIZE);
                while (true) {
                    int n = channel.read(buf);
                    if (n < 0 || buf.hasRemaining()) {
                        return Arrays.copyOf(buf.array(), buf.position());
                    }
                    buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
                }
            } catch (ClosedByInterruptException e) {
                // Interrupted meanwhile (the flag stays set): the stream below reads it.
            }
        }
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] buf = new byte[SIZE];
            int len = 0;
            while (true) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    return Arrays.copyOf(buf, len);
                }
                len += n;
                if (len < buf.length) {
                    return Arrays.copyOf(buf, len);
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        } catch (FileNotFoundException e) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                NoSuchFileException none = new NoSuchFileException(file.toString());
                none.initCause(e);
                throw none;
            }
            throw e;
        }
    }
}

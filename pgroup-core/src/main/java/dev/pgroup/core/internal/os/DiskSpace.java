package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Says when a file system is too full for a group to run: runsv, svlogd and the processes write
 * small files as they start, and when they cannot, what the start sees is a timeout or a silent
 * exit, not "no space left". A failed start's error names the full disk through this.
 */
public final class DiskSpace {
    /** Below this, runsv's status files, svlogd's logs and the processes' own files may not fit. */
    static final long LOW_BYTES = 1024 * 1024;

    private DiskSpace() {}

    /**
     * A sentence saying that the file system holding {@code dir} is (nearly) full, or empty when
     * it has room or cannot be asked.
     */
    public static Optional<String> lowSpaceNote(Path dir) {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free >= LOW_BYTES) {
                return Optional.empty();
            }
            return Optional.of("the file system of " + dir + " has only " + (free / 1024)
                    + " KiB free, too little for runsv, svlogd and the processes to write their files");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

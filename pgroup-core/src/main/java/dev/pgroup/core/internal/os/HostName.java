package dev.pgroup.core.internal.os;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * This machine's host name as the kernel knows it, without a name lookup. {@code
 * InetAddress.getLocalHost()} resolves the name as well: where it is in neither {@code /etc/hosts}
 * nor a DNS that answers (a CI runner's random host name, a laptop offline, macOS's well-known case),
 * that waits out the resolver's timeouts, about 10 s per lookup with glibc's defaults, before it fails.
 * A create must not wait on the network to name a group.
 *
 * <p>{@code $HOSTNAME} first (set by most CI systems, not exported by bash); on Linux the kernel's
 * own file (one read); elsewhere (macOS) {@code uname -n}, once per JVM. Empty when none answers.
 */
public final class HostName {
    private static final Path LINUX_HOSTNAME = Path.of("/proc/sys/kernel/hostname");
    private static final Duration UNAME_TIMEOUT = Duration.ofSeconds(2);

    private static volatile String cached;

    private HostName() {}

    /** The host name, possibly with a domain; empty when it cannot be told. */
    public static String get() {
        String host = cached;
        if (host == null) {
            host = find(System.getenv("HOSTNAME"), LINUX_HOSTNAME);
            cached = host;
        }
        return host;
    }

    /** The first of: {@code fromEnvironment}, the kernel's file, {@code uname -n}. */
    static String find(String fromEnvironment, Path kernelFile) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        if (Files.isReadable(kernelFile)) {
            try {
                String name = new String(SmallFiles.read(kernelFile), StandardCharsets.UTF_8).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            } catch (java.io.IOException e) {
                // uname below
            }
        }
        ShortCommand uname = ShortCommand.run(Path.of("uname"), Map.of("PATH", "/usr/bin:/bin"), UNAME_TIMEOUT, "-n");
        return uname.ok() ? uname.out().strip() : "";
    }
}

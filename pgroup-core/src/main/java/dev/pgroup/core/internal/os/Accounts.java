package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User accounts by name, as {@code id(1)} reports them (the same on Linux and macOS, and it sees
 * NSS and Directory Services accounts that {@code /etc/passwd} does not list).
 */
public final class Accounts {
    private static final Map<String, Optional<Account>> CACHE = new ConcurrentHashMap<>();

    /** One account: its name, uid and primary gid. */
    public record Account(String name, int uid, int gid) {}

    private Accounts() {}

    /** The account called {@code name}, or empty when there is none. */
    public static Optional<Account> lookup(String name) {
        return CACHE.computeIfAbsent(name, Accounts::query);
    }

    /** True when this process runs as root, and so may run a process as another user. */
    public static boolean isRoot() {
        return TrustedDirectory.currentUid() == 0;
    }

    private static Optional<Account> query(String name) {
        Optional<String> uid = id("-u", name);
        Optional<String> gid = id("-g", name);
        if (uid.isEmpty() || gid.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Account(name, Integer.parseInt(uid.get()), Integer.parseInt(gid.get())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> id(String option, String name) {
        try {
            Process p = Spawning.start(new ProcessBuilder(List.of("id", option, "--", name))
                    .redirectError(ProcessBuilder.Redirect.DISCARD));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.Accounts;
import dev.pgroup.core.internal.os.Accounts.Account;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes of a group that run as another user ({@code user = "postgres"}, pgroup running as
 * root), and the permissions that lets them work: that user, and no one else, reaches its process
 * dir.
 *
 * <ul>
 *   <li>The base dir gets the search bit for others (no read: group ids are not listed), the group
 *       dir is root's with the user's group allowed to pass through (mode 0710), and the process dir
 *       is root's with the user's group allowed to write, sticky (mode 1770): the process can make
 *       its files (a socket, a pid file) but cannot rename or replace runit's {@code run}, {@code
 *       log} or {@code supervise}, which runsv runs as root.
 *   <li>Every name runsv would run as root if it appeared ({@code finish}, {@code check}, {@code
 *       control/}) is taken by a file of root's first, so the process cannot plant one.
 *   <li>The templates, files and workdir pgroup writes for it, and its seed copy, are the user's.
 *   <li>{@code .logs} and {@code .pgroup} stay root's alone: svlogd runs as root.
 * </ul>
 */
public final class ProcessUsers {
    private static final Set<PosixFilePermission> GROUP_PASS = PosixFilePermissions.fromString("rwx--x---");

    private final GroupDefinition definition;
    private final Map<String, Account> switched;
    private final Path chpst;

    private ProcessUsers(GroupDefinition definition, Map<String, Account> switched, Path chpst) {
        this.definition = definition;
        this.switched = switched;
        this.chpst = chpst;
    }

    /**
     * Checks every {@code user} of the definition: the account exists, and pgroup can run a process
     * as it (it is root, or the account is its own).
     */
    public static ProcessUsers check(GroupDefinition definition, Map<String, String> environment) {
        return check(definition, environment, TrustedDirectory.currentUid());
    }

    /** @param me the uid pgroup runs as; a parameter so that a root test can ask for a user's view */
    public static ProcessUsers check(GroupDefinition definition, Map<String, String> environment, int me) {
        Map<String, Account> switched = new LinkedHashMap<>();
        for (ProcessDefinition p : definition.processes()) {
            if (p.user() == null) {
                continue;
            }
            Account account = Accounts.lookup(p.user())
                    .orElseThrow(() -> fail(definition, p, "there is no user '" + p.user() + "' on this machine"));
            if (account.uid() == me) {
                continue;
            }
            if (me != 0) {
                throw fail(
                        definition,
                        p,
                        "'" + p.user() + "' is another user, and only root can run a process as another user;"
                                + " pgroup runs as uid " + me + ". Leave user out, or run pgroup as root (as CI"
                                + " containers often do)");
            }
            switched.put(p.name(), account);
        }
        Path chpst = null;
        if (!switched.isEmpty()) {
            String path = environment.getOrDefault("PATH", "");
            ProcessDefinition first = definition.processes().stream()
                    .filter(p -> switched.containsKey(p.name()))
                    .findFirst()
                    .orElseThrow();
            chpst = Executables.find("chpst", path)
                    .orElseThrow(() -> fail(
                            definition,
                            first,
                            "running as another user needs runit's chpst, which is not on PATH (" + path + ")"));
        }
        return new ProcessUsers(definition, switched, chpst);
    }

    /** The account {@code process} runs as, when it is not pgroup's own. */
    public Account switchedTo(String process) {
        return switched.get(process);
    }

    /** The words that run a command as the process's user: {@code chpst -u postgres}; none when not switched. */
    public List<String> commandPrefix(String process) {
        Account a = switched.get(process);
        return a == null ? List.of() : List.of(chpst.toString(), "-u", a.name());
    }

    /**
     * Opens the way to the process dirs: the base dir's search bit for others, and the group dir
     * to the users' groups (to others' search bit when the users have different groups).
     */
    public void openGroupDir(Path baseDir, GroupLayout layout) throws IOException {
        if (switched.isEmpty()) {
            return;
        }
        Set<PosixFilePermission> base = new HashSet<>(Files.getPosixFilePermissions(baseDir));
        if (base.add(PosixFilePermission.OTHERS_EXECUTE)) {
            Files.setPosixFilePermissions(baseDir, base);
        }
        // The users' groups pass through the group dir: pgroup's own dirs in it stay root's alone.
        for (Path own : List.of(layout.stateDir(), layout.directory().resolve(GroupLayout.LOGS_DIR))) {
            Files.createDirectories(own);
            Files.setPosixFilePermissions(own, dev.pgroup.core.internal.os.FilePermissions.EXECUTABLE);
        }
        Set<Integer> gids = new HashSet<>();
        switched.values().forEach(a -> gids.add(a.gid()));
        Path dir = layout.directory();
        if (gids.size() == 1) {
            Files.setAttribute(dir, "unix:gid", gids.iterator().next(), LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(dir, GROUP_PASS);
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
        requireReachable(layout.directory());
    }

    /**
     * Hands a prepared process dir to its user: see the class comment. Runs after the service files
     * are written and before runsvdir starts it.
     */
    public void openProcessDir(ProcessDefinition p, Path serviceDir, Path workdir) throws IOException {
        Account a = switched.get(p.name());
        if (a == null) {
            return;
        }
        String taken = "#!/bin/sh\n# Taken by pgroup so that the process's user cannot plant one.\n";
        Path finish = serviceDir.resolve("finish");
        if (!Files.exists(finish, LinkOption.NOFOLLOW_LINKS)) {
            // Records the exit as the finish scripts of the other restart policies do: start reads it.
            dev.pgroup.core.internal.os.Spawning.writeExecutable(
                    finish,
                    taken + "echo \"$1 $2\" > "
                            + dev.pgroup.core.internal.os.Shell.quote(
                                    dev.pgroup.core.internal.runit.SupervisedState.exitRecord(serviceDir)
                                            .toString())
                            + "\nexit 0\n");
        }
        Path check = serviceDir.resolve("check");
        if (!Files.exists(check, LinkOption.NOFOLLOW_LINKS)) {
            dev.pgroup.core.internal.os.Spawning.writeExecutable(check, taken + "exit 0\n");
        }
        Path control = serviceDir.resolve("control");
        if (!Files.exists(control, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(control);
            Files.setPosixFilePermissions(control, dev.pgroup.core.internal.os.FilePermissions.EXECUTABLE);
        }
        List<Path> theirs = new ArrayList<>();
        p.templates().forEach(t -> theirs.add(serviceDir.resolve(t)));
        p.files().forEach(f -> theirs.add(serviceDir.resolve(f)));
        if (!workdir.equals(serviceDir) && workdir.startsWith(serviceDir)) {
            theirs.add(workdir);
        }
        for (Path path : theirs) {
            // Each dir between the process dir and the file, too: the user must reach it.
            for (Path q = path; !q.equals(serviceDir); q = q.getParent()) {
                chown(q, a);
            }
        }
        Files.setAttribute(serviceDir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(serviceDir, "unix:gid", a.gid(), LinkOption.NOFOLLOW_LINKS);
        // The sticky bit has no PosixFilePermission: set the whole mode through the unix view.
        Files.setAttribute(serviceDir, "unix:mode", 01770, LinkOption.NOFOLLOW_LINKS);
    }

    public static void chown(Path path, Account a) throws IOException {
        Files.setAttribute(path, "unix:uid", a.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", a.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Every parent of the group dir must let the users pass; a home dir of mode 0700 on the way is
     * found here, with its name, and not as a process that cannot start.
     */
    private void requireReachable(Path groupDir) throws IOException {
        for (Map.Entry<String, Account> e : switched.entrySet()) {
            ProcessDefinition process = definition.processes().stream()
                    .filter(d -> d.name().equals(e.getKey()))
                    .findFirst()
                    .orElseThrow();
            requireReachable(definition, process, e.getValue(), groupDir);
        }
    }

    /** Fails naming the first parent of {@code dir} that {@code a} cannot pass through. */
    public static void requireReachable(GroupDefinition definition, ProcessDefinition process, Account a, Path dir)
            throws IOException {
        for (Path p = dir.toRealPath().getParent(); p != null; p = p.getParent()) {
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int gid = (Integer) Files.getAttribute(p, "unix:gid");
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            int bit = uid == a.uid() ? 0100 : gid == a.gid() ? 010 : 01;
            if ((mode & bit) == 0) {
                throw fail(
                        definition,
                        process,
                        "user '" + a.name() + "' cannot reach " + dir + ": " + p + " (mode "
                                + String.format("%04o", mode & 07777) + ") does not let it pass. Use a base dir it"
                                + " can reach (e.g. under /tmp), or chmod o+x " + p);
            }
        }
    }

    private static DefinitionException fail(GroupDefinition definition, ProcessDefinition p, String problem) {
        return new DefinitionException(definition.file(), p.line("user"), p.name(), "user", problem);
    }
}

package dev.pgroup.core.internal.runit;

import static dev.pgroup.core.internal.os.Shell.quote;

import dev.pgroup.core.internal.definition.ListenSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every listening socket of one group, in fd order. The group's watchdog binds them all at start,
 * before it runs runsvdir, and they land on fds 3, 4, ... of runsvdir; runsvdir and runsv close
 * none of the fds they inherit, so every run script has them. Each run script then keeps its own
 * (moved to fd 3 upwards, or to fd 0) and closes the rest, in the shell, before it execs the
 * daemon: no launcher in between, {@code LISTEN_PID} is the shell's {@code $$}, which exec keeps.
 *
 * <p>Because runsvdir and runsv hold the sockets for as long as the group runs, a daemon that
 * runsv restarts is handed the same listening socket again: connections that arrive in between
 * wait in its backlog instead of being refused.
 *
 * <p>A POSIX shell (dash) names single-digit fds only, so the shell moves sockets up to fd 9: seven
 * per group. A process with a socket above that runs {@code listen.pl}, which moves them with
 * dup2; the other processes of such a group keep the sockets above fd 9 open.
 *
 * @param sockets in fd order: the processes in definition order, each one's ports in its
 *     {@code listen} order
 */
public record PassedSockets(List<Socket> sockets) {

    /** The fd of the group's first socket in runsvdir and every run script. */
    public static final int FIRST_FD = 3;

    /** The highest fd a POSIX shell can name in a redirection ({@code 9<&-}). */
    static final int HIGHEST_SHELL_FD = 9;

    /** Empty: the group passes no socket. */
    public static final PassedSockets NONE = new PassedSockets(List.of());

    /**
     * One passed socket.
     *
     * @param fd where runsvdir and every run script inherit it
     */
    public record Socket(int fd, String process, String name, int port) {
        /** For messages: {@code 127.0.0.1:20001 (port "http" of process "web")}. */
        public String describe() {
            return "127.0.0.1:" + port + " (port \"" + name + "\" of process \"" + process + "\")";
        }
    }

    /**
     * A socket the watchdog could not bind at start (the port was taken after pgroup leased it):
     * nothing was launched.
     */
    public static final class BindFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final String process;
        private final int port;

        public BindFailure(Socket socket, String message) {
            super(message);
            this.process = socket.process();
            this.port = socket.port();
        }

        public String process() {
            return process;
        }

        public int port() {
            return port;
        }
    }

    public PassedSockets {
        sockets = List.copyOf(sockets);
    }

    /** The sockets of {@code plans}, numbered from {@link #FIRST_FD}. */
    public static PassedSockets of(List<ProcessPlan> plans) {
        List<Socket> out = new ArrayList<>();
        for (ProcessPlan p : plans) {
            if (p.passing() != null) {
                p.passing()
                        .ports()
                        .forEach((name, port) -> out.add(new Socket(FIRST_FD + out.size(), p.name(), name, port)));
            }
        }
        return new PassedSockets(out);
    }

    public boolean isEmpty() {
        return sockets.isEmpty();
    }

    /** What the watchdog binds, in fd order: {@code port:process:name}. */
    public List<String> watchdogArguments() {
        return sockets.stream()
                .map(s -> s.port() + ":" + s.process() + ":" + s.name())
                .toList();
    }

    /** Kept in the group dir at create, read at every start. One line per socket: fd, port, process, name. */
    public void write(Path file) throws IOException {
        if (sockets.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        StringBuilder text = new StringBuilder();
        sockets.forEach(s -> text.append(s.fd())
                .append(' ')
                .append(s.port())
                .append(' ')
                .append(s.process())
                .append(' ')
                .append(s.name())
                .append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** The sockets written by {@link #write}; {@link #NONE} when the group passes none. */
    public static PassedSockets read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return NONE;
        }
        List<Socket> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            try {
                if (f.length == 4 && Integer.parseInt(f[0]) == FIRST_FD + out.size()) {
                    out.add(new Socket(Integer.parseInt(f[0]), f[2], f[3], Integer.parseInt(f[1])));
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IOException(file + " is damaged: '" + line + "'");
        }
        return new PassedSockets(out);
    }

    /** The sockets of one process, in its fd order. */
    public List<Socket> of(String process) {
        return sockets.stream().filter(s -> s.process().equals(process)).toList();
    }

    /**
     * Whether {@code process} needs {@code listen.pl} to move its sockets: one of them is above the
     * fds a POSIX shell can name.
     */
    public boolean needsMover(String process) {
        return of(process).stream().anyMatch(s -> s.fd() > HIGHEST_SHELL_FD);
    }

    /**
     * Shell lines for a run script that passes no socket (a process without {@code listen}, or a
     * log/run): closes the group's sockets, so no daemon holds another's listening socket. Empty
     * when the group passes none.
     */
    public String closeAll() {
        String closes = sockets.stream()
                .filter(s -> s.fd() <= HIGHEST_SHELL_FD)
                .map(s -> s.fd() + "<&-")
                .collect(Collectors.joining(" "));
        return closes.isEmpty() ? "" : "exec " + closes + "\n";
    }

    /**
     * Shell lines that hand {@code process} its sockets the way its protocol wants, close the
     * group's others and set the protocol's variables; the run script's {@code exec} follows.
     * Only for a process that needs no mover.
     */
    public String handOver(String process, ListenSpec.Protocol protocol) {
        List<Socket> own = of(process);
        List<String> redirections = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        if (protocol == ListenSpec.Protocol.STDIN) {
            redirections.add("0<&" + own.get(0).fd());
        } else {
            // Ascending order is safe: a process's sockets are consecutive and start at fd 3 or
            // above, so a target is never a socket still to be moved.
            for (int i = 0; i < own.size(); i++) {
                int target = FIRST_FD + i;
                targets.add(target);
                if (own.get(i).fd() != target) {
                    redirections.add(target + "<&" + own.get(i).fd());
                }
            }
        }
        for (Socket s : sockets) {
            if (s.fd() <= HIGHEST_SHELL_FD && !targets.contains(s.fd())) {
                redirections.add(s.fd() + "<&-");
            }
        }
        StringBuilder out = new StringBuilder(
                        "# The sockets of the group listen since start (pgroup's watchdog bound them)\n")
                .append("# and every run script inherits them: keep this process's, close the others.\n");
        if (!redirections.isEmpty()) {
            out.append("exec ").append(String.join(" ", redirections)).append('\n');
        }
        out.append("unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES NGINX\n");
        switch (protocol) {
            case SYSTEMD -> out.append("export LISTEN_FDS=")
                    .append(own.size())
                    .append(" LISTEN_FDNAMES=")
                    .append(quote(own.stream().map(Socket::name).collect(Collectors.joining(":"))))
                    // exec keeps the pid: the daemon's own, as sd_listen_fds(3) checks.
                    .append(" LISTEN_PID=$$\n");
            case NGINX -> out.append("export NGINX=")
                    .append(quote(targets.stream().map(fd -> fd + ";").collect(Collectors.joining())))
                    .append('\n');
            case STDIN -> {}
        }
        return out.toString();
    }

    /**
     * {@code command} run through {@code listen.pl}, which moves the process's sockets with dup2:
     * for a process with a socket above fd 9.
     */
    public List<String> throughMover(String process, SocketPassing passing, List<String> command) {
        List<String> out = new ArrayList<>();
        out.add(passing.perl().toString());
        out.add(passing.launcher().toString());
        out.add(passing.protocol().tomlName());
        out.add(Integer.toString(FIRST_FD));
        out.add(Integer.toString(FIRST_FD + sockets.size() - 1));
        of(process).forEach(s -> out.add(s.fd() + "=" + s.name()));
        out.add("--");
        out.addAll(command);
        return out;
    }
}

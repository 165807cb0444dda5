package dev.pgroup.core.internal;

import java.util.List;

/**
 * The sockets pgroup binds for a process and passes to it, as written in {@code group.toml}:
 * {@code listen = ["http"]} and {@code listen_protocol = "systemd"}.
 *
 * @param protocol how the process is told about them
 * @param ports names of the process's ports to pass, in fd order
 */
public record ListenSpec(Protocol protocol, List<String> ports) {
    public static final ListenSpec NONE = new ListenSpec(Protocol.SYSTEMD, List.of());

    public ListenSpec {
        ports = List.copyOf(ports);
    }

    public boolean isEmpty() {
        return ports.isEmpty();
    }

    /** How the passed sockets are handed to the daemon; see {@code listen.pl}. */
    public enum Protocol {
        /** fd 3 upwards, {@code LISTEN_FDS}, {@code LISTEN_PID}, {@code LISTEN_FDNAMES}: lighttpd, gunicorn, uwsgi. */
        SYSTEMD("systemd"),
        /** fd 3 upwards, {@code NGINX="3;4;"}. */
        NGINX("nginx"),
        /** The one socket on fd 0, inetd style: Java's {@code System.inheritedChannel()}. */
        STDIN("stdin");

        private final String tomlName;

        Protocol(String tomlName) {
            this.tomlName = tomlName;
        }

        public String tomlName() {
            return tomlName;
        }
    }
}

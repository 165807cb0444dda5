package dev.pgroup.core.internal.definition;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tomlj.TomlTable;

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

    /** How the passed sockets are handed to the daemon; see {@code PassedSockets}. */
    public enum Protocol implements TomlSpelled {
        /** fd 3 upwards, {@code LISTEN_FDS}, {@code LISTEN_PID}, {@code LISTEN_FDNAMES}: lighttpd, gunicorn, uwsgi. */
        SYSTEMD,
        /** fd 3 upwards, {@code NGINX="3;4;"}. */
        NGINX,
        /** The one socket on fd 0, inetd style: Java's {@code System.inheritedChannel()}. */
        STDIN
    }

    /** {@code listen = ["http"]} and {@code listen_protocol}: ports pgroup binds and passes. */
    static ListenSpec parse(DefinitionToml toml, TomlTable t, String process, List<String> ports) {
        List<String> listen = toml.strings(t, "listen", process);
        int line = DefinitionToml.line(t, "listen");
        Set<String> seen = new HashSet<>();
        for (String port : listen) {
            toml.requirePort(port, ports, process, line, "listen");
            if (!seen.add(port)) {
                throw toml.fail(line, process, "listen", "duplicate port name '" + port + "'");
            }
        }
        String protocolText = toml.optionalString(t, "listen_protocol", process, null);
        if (protocolText == null) {
            return listen.isEmpty() ? NONE : new ListenSpec(ListenSpec.Protocol.SYSTEMD, listen);
        }
        int protocolLine = DefinitionToml.line(t, "listen_protocol");
        List<String> names = Arrays.stream(ListenSpec.Protocol.values())
                .map(ListenSpec.Protocol::tomlName)
                .toList();
        ListenSpec.Protocol protocol = Arrays.stream(ListenSpec.Protocol.values())
                .filter(p -> p.tomlName().equals(protocolText))
                .findFirst()
                .orElseThrow(() -> toml.fail(
                        protocolLine,
                        process,
                        "listen_protocol",
                        "'" + protocolText + "' is not one of " + String.join(", ", names)
                                + Names.didYouMean(protocolText, names)));
        if (listen.isEmpty()) {
            throw toml.fail(
                    protocolLine,
                    process,
                    "listen_protocol",
                    "has nothing to pass: name the ports too, e.g. listen = [\"http\"]");
        }
        if (protocol == ListenSpec.Protocol.STDIN && listen.size() != 1) {
            throw toml.fail(
                    line,
                    process,
                    "listen",
                    "the stdin protocol passes exactly one socket, on fd 0; listen has " + listen);
        }
        return new ListenSpec(protocol, listen);
    }
}

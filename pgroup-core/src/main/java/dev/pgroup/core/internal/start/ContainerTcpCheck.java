package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.container.ContainerState;
import dev.pgroup.core.internal.container.EngineApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The tcp ready check of a container's published port. A connect to the published port alone
 * proves nothing: the engine's proxy (docker-proxy, rootlessport) accepts there as soon as the
 * container starts, and closes the connection only when its own connect into the container fails.
 * Measured here: a connect through the proxy while the container starts is closed only about 1 s
 * later. So the check waits until the engine says the container runs, connects to the container's
 * own address and port the way the proxy does, and then to the published port. Where the
 * container's address cannot be reached from the host (rootless engines, a VM on macOS), it falls
 * back to a connection through the proxy that stays open for {@link #HELD}.
 */
public final class ContainerTcpCheck {
    private static final String MARK = "container";
    /** How long a connection through the proxy must stay open when the container's address is out of reach. */
    static final Duration HELD = Duration.ofMillis(1500);
    /** Connects to the container's address that get no answer at all (200 ms each) before the fallback. */
    private static final int UNANSWERED_BEFORE_FALLBACK = 10;

    private final int hostPort;
    private final int containerPort;
    private final String name;
    private final EngineApi engine;
    private String address;
    private boolean addressUnreachable;
    private int unanswered;

    private ContainerTcpCheck(int hostPort, int containerPort, String name, EngineApi engine) {
        this.hostPort = hostPort;
        this.containerPort = containerPort;
        this.name = name;
        this.engine = engine;
    }

    /** The ready target kept in the runtime settings: the host port first, as for a binary. */
    public static String target(int hostPort, int containerPort, Path engine, String containerName) {
        return hostPort + " " + MARK + " " + containerPort + " " + containerName + " " + engine;
    }

    static boolean isContainerTarget(String target) {
        String[] parts = target.trim().split(" ", 3);
        return parts.length == 3 && parts[1].equals(MARK);
    }

    /** The check of {@code target}: blocking, since it asks the engine first. */
    static ReadinessCheck of(String target) {
        String[] parts = target.trim().split(" ", 5);
        int hostPort = Integer.parseInt(parts[0]);
        int containerPort = Integer.parseInt(parts[2]);
        String name = parts[3];
        ContainerTcpCheck check =
                new ContainerTcpCheck(hostPort, containerPort, name, EngineApi.of(Path.of(parts[4]), System.getenv()));
        return new ReadinessCheck.Attempts(
                "tcp 127.0.0.1:" + hostPort + " published by the container engine, and " + name + ":" + containerPort
                        + " in the container",
                5,
                true,
                check::attempt);
    }

    private Optional<String> attempt(Duration atMost) throws IOException {
        if (address == null && !addressUnreachable) {
            // Nothing may touch the published port before the container runs: the proxy would dial
            // the container's address before its network is up, the kernel's neighbour lookup for it
            // would fail, and every connect to it, the proxy's and ours, would wait about 1 s.
            ContainerState state = engine.container(name, atMost);
            if (!state.running()) {
                return Optional.of("the container " + name + " does not run yet"
                        + (state.problem().isEmpty() ? "" : ": " + state.problem()));
            }
            if (state.addresses().isEmpty()) {
                addressUnreachable = true; // no address of its own to check (a rootless engine's network)
            } else {
                address = state.addresses().get(0);
            }
        }
        if (!addressUnreachable) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, containerPort), millis(200, atMost));
            } catch (SocketTimeoutException | java.net.NoRouteToHostException noAnswer) {
                // No answer at all, not a refusal: the host may not reach the container's network.
                if (++unanswered >= UNANSWERED_BEFORE_FALLBACK) {
                    addressUnreachable = true;
                    return Optional.of("the container's address " + address + " is out of the host's reach;"
                            + " checking through the published port instead");
                }
                return Optional.of("no answer from the container's address " + address + " (" + unanswered + ")");
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", hostPort), millis(200, atMost));
            if (!addressUnreachable) {
                return ReadinessCheck.READY; // the container listens, and the published port accepts
            }
            s.setSoTimeout(millis((int) HELD.toMillis(), atMost));
            try {
                return s.getInputStream().read() < 0
                        ? Optional.of("the engine's proxy accepted and closed: nothing listens in the container yet")
                        : ReadinessCheck.READY;
            } catch (SocketTimeoutException heldOpen) {
                return atMost.compareTo(HELD) >= 0
                        ? ReadinessCheck.READY
                        : Optional.of("the connection was not held long enough");
            }
        }
    }

    private static int millis(int preferred, Duration atMost) {
        return (int) Math.max(1, Math.min(preferred, atMost.toMillis()));
    }
}

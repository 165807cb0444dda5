package dev.pgroup.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A Java service that serves on the socket it inherits on fd 0 ({@code listen_protocol = "stdin"}):
 * {@link System#inheritedChannel()} returns it as a {@link ServerSocketChannel}. It answers every
 * HTTP request with its pid. Run by {@link SocketPassingDaemonsTest} from target/test-classes.
 */
public final class InheritedChannelServer {
    private InheritedChannelServer() {}

    public static void main(String[] args) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel server)) {
            System.err.println("no server socket inherited on fd 0, got " + inherited);
            System.exit(2);
            return;
        }
        long pid = ProcessHandle.current().pid();
        System.out.println("serving on " + server.getLocalAddress() + " as pid " + pid);
        while (true) {
            try (SocketChannel client = server.accept()) {
                readRequestHead(client);
                byte[] body = ("hello from java, pid " + pid + "\n").getBytes(StandardCharsets.UTF_8);
                String head =
                        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n";
                client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                client.write(ByteBuffer.wrap(body));
            }
        }
    }

    private static void readRequestHead(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("\r\n\r\n") < 0 && buffer.hasRemaining()) {
            int before = buffer.position();
            if (client.read(buffer) < 0) {
                return;
            }
            seen.append(new String(buffer.array(), before, buffer.position() - before, StandardCharsets.US_ASCII));
        }
    }
}

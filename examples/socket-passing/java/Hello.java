import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Serves "hello" over HTTP on the server socket pgroup passed on fd 0. */
public class Hello {
    public static void main(String[] args) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel server)) {
            System.err.println("expected a server socket on fd 0 (listen_protocol = \"stdin\"), got " + inherited);
            System.exit(2);
            return;
        }
        System.out.println("serving on " + server.getLocalAddress());
        while (true) {
            try (SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(8192)); // the request head; this example ignores it
                byte[] body = "hello from java\n".getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n";
                client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                client.write(ByteBuffer.wrap(body));
            }
        }
    }
}

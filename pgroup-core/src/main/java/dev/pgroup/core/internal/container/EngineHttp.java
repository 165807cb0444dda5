package dev.pgroup.core.internal.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One {@code GET} to a container engine's API socket, HTTP/1.1 over a unix socket. Hand-written
 * because the JDK's HttpClient speaks only TCP, and the libraries that speak to the socket
 * (docker-java's transports) bring an HTTP client, JNA and their own model classes for what is
 * here one request line and one response: {@code Connection: close}, so the answer ends where the
 * stream does, plain or chunked.
 */
final class EngineHttp {
    /** An engine's answer to an inspect is a few KiB; anything far larger is not one. */
    private static final int MAX_RESPONSE = 8 << 20;

    /** The status and body of an answer. */
    record Response(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** The daemon took the request and did not answer in time: a hung daemon, not a missing one. */
    static final class NoAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        NoAnswer(String message) {
            super(message);
        }
    }

    private EngineHttp() {}

    /**
     * {@code GET path} on {@code socket}, answered within {@code timeout}.
     *
     * @throws NoAnswer when the engine took the request and did not answer in time
     * @throws IOException when the socket cannot be reached (missing, refused, not allowed), or the
     *     answer is not HTTP
     */
    static Response get(Path socket, String path, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            // A connect to a unix socket completes at once, or is refused: no wait for a handshake.
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "User-Agent: pgroup\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NoAnswer("no answer from " + socket + " within " + timeout.toMillis() + " ms");
                }
                if (selector.select(Math.max(1, left / 1_000_000)) == 0) {
                    continue; // the deadline is looked at again
                }
                selector.selectedKeys().clear();
                if (request.hasRemaining()) {
                    channel.write(request);
                    if (!request.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    continue;
                }
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    try {
                        return parse(answer.toByteArray(), socket);
                    } catch (NumberFormatException e) {
                        throw new IOException("a malformed HTTP answer from " + socket + ": " + e.getMessage());
                    }
                }
                answer.write(buffer.array(), 0, n);
                if (answer.size() > MAX_RESPONSE) {
                    throw new IOException("the answer from " + socket + " is larger than " + MAX_RESPONSE + " bytes");
                }
            }
        }
    }

    private static Response parse(byte[] raw, Path socket) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1); // bytes kept 1:1 until the body is decoded
        int headerEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headerEnd < 0) {
            throw new IOException("not an HTTP answer from " + socket + ": "
                    + text.lines().findFirst().orElse("(nothing)"));
        }
        String[] statusLine = text.substring(0, text.indexOf("\r\n")).split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("not an HTTP status line from " + socket + ": " + String.join(" ", statusLine));
        }
        boolean chunked = false;
        int length = -1;
        for (String header : text.substring(0, headerEnd).split("\r\n")) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(
                        header.substring(header.indexOf(':') + 1).strip());
            }
        }
        int from = headerEnd + 4;
        byte[] body = chunked ? dechunk(raw, from, socket) : slice(raw, from, length < 0 ? raw.length - from : length);
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] slice(byte[] raw, int from, int length) throws IOException {
        if (from + length > raw.length) {
            throw new IOException("the answer ended after " + (raw.length - from) + " of " + length + " bytes");
        }
        byte[] out = new byte[length];
        System.arraycopy(raw, from, out, 0, length);
        return out;
    }

    /** A chunked body: each chunk's size in hex on its own line, the last one 0. */
    private static byte[] dechunk(byte[] raw, int from, Path socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOfCrlf(raw, at);
            if (lineEnd < 0) {
                throw new IOException("a chunked answer from " + socket + " ended early");
            }
            String size = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(slice(raw, lineEnd + 2, n));
            at = lineEnd + 2 + n + 2;
        }
    }

    private static int indexOfCrlf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}

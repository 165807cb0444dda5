package com.example.hits;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A small service of the kind a project builds: {@code POST /hits} counts a hit in Redis and
 * answers the new count, {@code GET /hits} answers the count, {@code GET /health} answers 200.
 * It reads its port and Redis's from the environment, as a twelve-factor service does.
 */
public final class HitsService {
    private final int redisPort;

    private HitsService(int redisPort) {
        this.redisPort = redisPort;
    }

    public static void main(String[] args) throws IOException {
        int httpPort = Integer.parseInt(System.getenv("HTTP_PORT"));
        HitsService service = new HitsService(Integer.parseInt(System.getenv("REDIS_PORT")));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 50);
        server.createContext("/health", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/hits", service::hits);
        server.start();
        System.out.println("hits service listening on 127.0.0.1:" + httpPort + ", redis on " + service.redisPort);
    }

    private void hits(HttpExchange exchange) throws IOException {
        try {
            String command = exchange.getRequestMethod().equals("POST") ? "INCR" : "GET";
            String count = redis(command, "hits");
            answer(exchange, 200, count == null ? "0" : count);
        } catch (IOException e) {
            answer(exchange, 503, "redis: " + e.getMessage());
        }
    }

    /** One RESP command; the reply of INCR (":n") or GET ("$len" then the value, or "$-1"). */
    private String redis(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", redisPort)) {
            StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                cmd.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String first = line(in);
            if (first.startsWith(":")) {
                return first.substring(1);
            }
            if (first.startsWith("$")) {
                return first.equals("$-1") ? null : line(in);
            }
            throw new IOException("unexpected reply " + first);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

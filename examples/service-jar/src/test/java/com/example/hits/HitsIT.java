package com.example.hits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgroup.PGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The jar this build made, running in the group, counts hits in the group's Redis. */
class HitsIT {
    private final PGroup group = PGroup.current();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eachPostCountsAHitThatTheServiceKeepsInRedis() throws Exception {
        int before = Integer.parseInt(call("GET"));

        assertEquals(before + 1, Integer.parseInt(call("POST")));
        assertEquals(before + 2, Integer.parseInt(call("POST")));

        // The count is in the group's Redis, where the service put it.
        assertEquals(Integer.toString(before + 2), redisGet(group.port("redis", "main"), "hits"));
    }

    private String call(String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + group.port("service", "http") + "/hits");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body().strip();
    }

    private static String redisGet(int port, String key) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String header = in.readLine();
            return header.equals("$-1") ? null : in.readLine();
        }
    }
}

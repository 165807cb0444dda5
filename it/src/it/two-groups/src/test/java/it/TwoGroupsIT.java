package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.pgroup.PGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TwoGroupsIT {

    @Test
    void eachGroupIsFoundByNameThroughThePropertiesThePluginExported() throws Exception {
        PGroup one = PGroup.named("one");
        PGroup two = PGroup.named("two");

        assertEquals(one.manifestFile().toString(), System.getProperty("pgroup.manifest.one"));
        assertEquals(two.manifestFile().toString(), System.getProperty("pgroup.two.manifest"));
        assertEquals(Integer.toString(one.port("redis", "main")), System.getProperty("pgroup.one.redis.main"));
        assertNotEquals(one.id(), two.id());
        assertNotEquals(one.port("redis", "main"), two.port("redis", "main"));
        assertEquals("+PONG", ping(one.port("redis", "main")));
        assertEquals("+PONG", ping(two.port("redis", "main")));
    }

    private static String ping(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}

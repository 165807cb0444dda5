package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgroup.PGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The same test in both modules: each must see its own module's group, never the other's. */
class OwnGroupIT {

    @Test
    void theGroupAndItsPortsAreThisModulesOwn() throws Exception {
        // failsafe runs the tests in the module's basedir.
        Path module = Path.of("").toRealPath();
        PGroup group = PGroup.current();

        assertTrue(group.directory().toRealPath().startsWith(module.resolve("target").resolve("pgroup")),
                "module " + module + " got the group in " + group.directory());
        assertEquals(group.manifestFile().toString(), System.getProperty("pgroup.manifest"));
        assertEquals(Integer.toString(group.port("redis", "main")), System.getProperty("pgroup.cache.redis.main"));
        assertEquals("+PONG", ping(group.port("redis", "main")));
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

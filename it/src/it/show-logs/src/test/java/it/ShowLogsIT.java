package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgroup.PGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShowLogsIT {

    /** Makes redis write a line of the test's own into its log; verify.groovy finds it in the build output. */
    @Test
    void redisLogsALineWhileTheTestRuns() throws Exception {
        int port = PGroup.current().port("redis", "main");
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("DEBUG LOG line-written-during-the-it\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("+OK", reply);
        }
    }
}

package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.model.ProcessState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GroupsExtension.class)
class RedisPairTest {
    @Test
    void primaryAndReplicaRenderedFromTemplatesReplicateAWrite(Groups groups) throws Exception {
        Group group = groups.create(TestEngines.definition("redis-pair"));
        // given a group created from the definition
        assertThat(group.id()).startsWith("cache-");
        Path conf = group.directory().resolve("primary/redis.conf");
        assertThat(Files.readString(conf)).contains("port " + group.port("primary", "main"));

        // when it starts
        group.start(Duration.ofSeconds(20));

        // then a write on the primary is read back from the replica
        int primary = group.port("primary", "main");
        int replica = group.port("replica", "main");
        assertThat(primary).isNotEqualTo(replica);
        assertThat(redis(primary, "SET", "greeting", "hello")).isEqualTo("+OK");
        // Replication is asynchronous: the write reaches the replica a moment later.
        String[] read = {null};
        dev.pgroup.core.internal.os.Deadline.in(Duration.ofSeconds(5))
                .await(
                        () -> {
                            try {
                                read[0] = redis(replica, "GET", "greeting");
                            } catch (IOException e) {
                                read[0] = e.toString();
                            }
                            return "hello".equals(read[0]);
                        },
                        Duration.ofMillis(5));
        assertThat(read[0]).isEqualTo("hello");

        // and the runtime reads the same ports from the manifest
        PGroup runtime = PGroup.load(group.manifestFile());
        assertThat(runtime.port("replica", "main")).isEqualTo(replica);
        assertThat(runtime.manifest().process("primary").orElseThrow().pid()).isPositive();
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
    }

    /** A minimal RESP client: enough for SET and GET without a Redis library in the engine's tests. */
    static String redis(int port, String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                cmd.append('$')
                        .append(a.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(a)
                        .append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first.startsWith("$")) {
                return Integer.parseInt(first.substring(1)) < 0 ? null : in.readLine();
            }
            return first;
        }
    }
}

package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgroup.PGroup;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Runs against the group that pgroup-maven-plugin started from src/it/pgroup. */
class ReplicationIT {

    @Test
    void aValueWrittenOnThePrimaryIsReadOnTheReplica() {
        // No configuration: the plugin hands the manifest to this JVM as -Dpgroup.manifest.
        PGroup group = PGroup.current();

        try (Jedis primary = new Jedis("127.0.0.1", group.port("primary", "main"));
                Jedis replica = new Jedis("127.0.0.1", group.port("replica", "main"))) {
            primary.set("greeting", "hello from " + group.id());
            // WAIT blocks until the replica has acknowledged the write (or 10 s pass): no sleeping.
            assertEquals(1, primary.waitReplicas(1, 10_000), "replicas that acknowledged the write");

            assertEquals("hello from " + group.id(), replica.get("greeting"));
        }
    }
}

package com.example.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgroup.PGroup;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Runs against the group that pgroup-maven-plugin started from src/it/pgroup: a container and a binary. */
class ContainerReplicationIT {

    @Test
    void aValueWrittenInTheContainerIsReadOnTheLocalReplica() {
        PGroup group = PGroup.current();

        // The primary's port is the host port published for the container: no difference for the test.
        try (Jedis primary = new Jedis("127.0.0.1", group.port("primary", "main"));
                Jedis replica = new Jedis("127.0.0.1", group.port("replica", "main"))) {
            primary.set("greeting", "hello from a container of " + group.id());
            assertEquals(1, primary.waitReplicas(1, 10_000), "replicas that acknowledged the write");

            assertEquals("hello from a container of " + group.id(), replica.get("greeting"));
        }
    }
}

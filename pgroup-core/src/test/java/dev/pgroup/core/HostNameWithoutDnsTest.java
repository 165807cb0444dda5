package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group id carries the host's name, and finding it must not wait on DNS: {@code
 * InetAddress.getLocalHost()} resolves the name, and where it is in neither {@code /etc/hosts} nor
 * a DNS that answers (a CI runner's random host name, a laptop offline) the first create of every
 * JVM waited out the resolver's timeouts, about 10 s with glibc's defaults, and the id lost its host
 * part. Here a child JVM runs in a UTS and mount namespace of its own (Linux, root), with a host
 * name that no file knows and a {@code resolv.conf} whose only nameserver is a UDP socket of this
 * test, which answers nothing and records every query.
 */
class HostNameWithoutDnsTest {
    private static final String HOST = "pgroup-nodns-test";

    @TempDir
    Path tmp;

    @Test
    void aCreateNamesItsGroupAfterTheHostWithoutAskingDns() throws Exception {
        assumeUnshareWorks();
        DatagramSocket nameserver = nameserverOrSkip();
        try (nameserver) {
            Path resolv = Files.writeString(
                    tmp.resolve("resolv.conf"),
                    // A short timeout so that a lookup, when it happens, fails the test in about a second.
                    "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
            List<String> launcher = List.of(
                    "unshare",
                    "--uts",
                    "--mount",
                    "sh",
                    "-c",
                    "hostname " + HOST + " && mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"",
                    resolv.toString());
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.remove("HOSTNAME"); // what an IDE or a plain shell gives: bash does not export it
            Path base = tmp.resolve("base");
            Path database = tmp.resolve("state/pgroup.db");
            String id;
            String node;
            try (ChildJvm child = new ChildJvm(
                    launcher, environment, base, database, TestEngines.definition("redis-single"), 1, "create")) {
                Manifest manifest = Manifest.read(child.manifests.get(0));
                id = manifest.groupId();
                node = manifest.node();
                child.finish();
            }
            nameserver.setSoTimeout(1); // a query sent by the child, which has exited, is in the buffer
            DatagramPacket query = new DatagramPacket(new byte[512], 512);
            String asked = null;
            try {
                nameserver.receive(query);
                // After the 12-byte header, the name asked for: its first label is the host's name.
                String question = new String(query.getData(), 13, Math.max(0, query.getLength() - 13), "ISO-8859-1");
                asked = question.contains("\0") ? question.substring(0, question.indexOf('\0')) : question;
            } catch (SocketTimeoutException none) {
                // no query: as it should be
            }
            assertThat(asked)
                    .as("a DNS query the child sent while it created a group")
                    .isNull();
            assertThat(node).isEqualTo("pgroupnodnst");
            assertThat(id).startsWith("single-pgroupnodnst-");
        }
    }

    /** This test's DNS server: 127.0.0.1:53, which needs root and a free port 53. */
    private static DatagramSocket nameserverOrSkip() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
        } catch (SocketException | java.net.UnknownHostException e) {
            Assumptions.abort("cannot listen on 127.0.0.1:53 (needs root and a free port): " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    private static void assumeUnshareWorks() throws Exception {
        boolean works;
        try {
            Process p = new ProcessBuilder(List.of("unshare", "--uts", "--mount", "true"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            works = p.waitFor() == 0;
        } catch (java.io.IOException e) {
            works = false;
        }
        Assumptions.assumeTrue(works, "unshare --uts --mount is not available (needs Linux and root)");
    }
}

package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What lands in the process dir: templates rendered with nothing else changed, files as they are. */
@ExtendWith(GroupsExtension.class)
class TemplateFilesTest {
    @TempDir
    Path tmp;

    private static final String PROCESS =
            """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            ports = ["http"]
            """;

    /** CRLF, no final newline, bytes that are not UTF-8. */
    private static final byte[] RAW = {
        'G', 'E', 'T', ' ', '/', '\r', '\n', 'x', (byte) 0xff, 0, '\r', '\n', 'e', 'n', 'd'
    };

    @Test
    void aTemplateWithoutPlaceholdersIsCopiedByteForByte(Groups groups) throws IOException {
        Path def = groups.definition(PROCESS + "templates = [\"request.http\"]\n");
        Files.write(def.resolve("request.http"), RAW);

        Group group = groups.create(def);
        assertThat(group.directory().resolve("web/request.http")).hasBinaryContent(RAW);
    }

    @Test
    void aRenderedTemplateKeepsItsLineEndings(Groups groups) throws IOException {
        Path def = groups.definition(PROCESS + "templates = [\"request.http\"]\n");
        Files.writeString(def.resolve("request.http"), "GET / HTTP/1.1\r\nHost: 127.0.0.1:{{port.http}}\r\n\r\nlast");

        Group group = groups.create(def);
        assertThat(Files.readString(group.directory().resolve("web/request.http")))
                .isEqualTo("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + group.port("web", "http") + "\r\n\r\nlast");
    }

    @Test
    void filesAreCopiedAsTheyAreNeverRendered(Groups groups) throws IOException {
        Path def = groups.definition(PROCESS + "files = [\"fixtures/raw.bin\", \"tool.sh\"]\n");
        Files.createDirectories(def.resolve("fixtures"));
        byte[] withBraces = "port {{port.http}}\r\n\\{{ x }}\n".getBytes(StandardCharsets.UTF_8);
        byte[] raw = new byte[withBraces.length + RAW.length];
        System.arraycopy(withBraces, 0, raw, 0, withBraces.length);
        System.arraycopy(RAW, 0, raw, withBraces.length, RAW.length);
        Files.write(def.resolve("fixtures/raw.bin"), raw);
        Files.writeString(def.resolve("tool.sh"), "#!/bin/sh\necho {{not.rendered}}\n");
        Files.setPosixFilePermissions(def.resolve("tool.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));

        Group group = groups.create(def);
        assertThat(group.directory().resolve("web/fixtures/raw.bin")).hasBinaryContent(raw);
        Path tool = group.directory().resolve("web/tool.sh");
        assertThat(tool).hasContent("#!/bin/sh\necho {{not.rendered}}\n");
        assertThat(Files.isExecutable(tool))
                .as("an executable file stays executable")
                .isTrue();
    }

    @Test
    void anAbsoluteWorkdirThatExistsStaysAllowed(Groups groups) throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path def = groups.definition(PROCESS + "workdir = \"" + elsewhere + "\"\n");

        Group group = groups.create(def);
        assertThat(Files.readString(group.directory().resolve("web/run"))).contains("cd '" + elsewhere + "'");
    }
}

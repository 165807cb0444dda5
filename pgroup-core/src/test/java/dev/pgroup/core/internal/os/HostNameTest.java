package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.definition.GroupIds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {
    @TempDir
    Path tmp;

    @Test
    void hostnameFromTheEnvironmentComesFirst() throws Exception {
        Path kernel = Files.writeString(tmp.resolve("hostname"), "from-kernel\n");
        assertThat(HostName.find("ci-runner-7", kernel)).isEqualTo("ci-runner-7");
    }

    @Test
    void withoutItTheKernelsFileIsRead() throws Exception {
        Path kernel = Files.writeString(tmp.resolve("hostname"), "build-box.example.com\n");
        assertThat(HostName.find(null, kernel)).isEqualTo("build-box.example.com");
        assertThat(HostName.find("  ", kernel)).isEqualTo("build-box.example.com");
    }

    /** macOS has no such file: {@code uname -n} answers there, and here it says what the kernel says. */
    @Test
    void withoutTheKernelsFileUnameAnswers() throws Exception {
        Process uname = new ProcessBuilder("uname", "-n").start();
        String expected = new String(uname.getInputStream().readAllBytes()).strip();
        assertThat(uname.waitFor()).isZero();
        assertThat(HostName.find(null, tmp.resolve("no-such-file")))
                .isEqualTo(expected)
                .isNotEmpty();
    }

    @Test
    void anIdCarriesTheFirstLabelInLowerCaseLettersAndDigitsAtMostTwelve() {
        assertThat(GroupIds.shortHost("Build-Box.example.com")).isEqualTo("buildbox");
        assertThat(GroupIds.shortHost("pgroup-nodns-test")).isEqualTo("pgroupnodnst");
        assertThat(GroupIds.shortHost("")).isEmpty();
        assertThat(GroupIds.next("cache", "ci7")).matches("cache-ci7-[a-z2-9]{6}");
        assertThat(GroupIds.next("cache", "")).matches("cache-[a-z2-9]{6}");
    }
}

package dev.pgroup.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TestJvmArgumentsTest {

    @Test
    void systemPropertiesAreAppendedAfterWhatTheArgLineHeld() {
        Properties p = new Properties();
        p.setProperty("argLine", "-javaagent:/r/jacoco.jar=destfile=/t/jacoco.exec");

        TestJvmArguments.add(p, "pgroup.manifest", "/p/target/pgroup/cache-h-abc/.pgroup/manifest.properties");

        assertThat(p.getProperty("argLine"))
                .isEqualTo("-javaagent:/r/jacoco.jar=destfile=/t/jacoco.exec"
                        + " -Dpgroup.manifest=/p/target/pgroup/cache-h-abc/.pgroup/manifest.properties");
    }

    @Test
    void aValueWithSpacesIsQuotedSoTheTestJvmGetsItWhole() {
        Properties p = new Properties();

        TestJvmArguments.add(p, "pgroup.manifest", "/my projects/a/manifest.properties");

        assertThat(p.getProperty("argLine")).isEqualTo("\"-Dpgroup.manifest=/my projects/a/manifest.properties\"");
    }

    @Test
    void removeTakesOutOnlyItsOwnEntry() {
        Properties p = new Properties();
        p.setProperty("argLine", "-Xmx1g");
        TestJvmArguments.add(p, "pgroup.one.redis.main", "20001");
        TestJvmArguments.add(p, "pgroup.two.redis.main", "20002");

        TestJvmArguments.remove(p, "pgroup.one.redis.main", "20001");

        assertThat(p.getProperty("argLine")).isEqualTo("-Xmx1g -Dpgroup.two.redis.main=20002");
    }

    @Test
    void removingTheLastEntryRemovesTheProperty() {
        Properties p = new Properties();
        TestJvmArguments.add(p, "pgroup.manifest", "/m");

        TestJvmArguments.remove(p, "pgroup.manifest", "/m");

        assertThat(p).doesNotContainKey("argLine");
    }

    @Test
    void anEqualEntryOfAnEarlierGroupStaysWhenTheLaterOneIsRemoved() {
        Properties p = new Properties();
        TestJvmArguments.add(p, "pgroup.manifest", "/a");
        TestJvmArguments.add(p, "pgroup.manifest", "/b");

        TestJvmArguments.remove(p, "pgroup.manifest", "/b");

        assertThat(p.getProperty("argLine")).isEqualTo("-Dpgroup.manifest=/a");
    }
}

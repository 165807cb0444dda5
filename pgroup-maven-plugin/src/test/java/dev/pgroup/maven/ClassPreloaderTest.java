package dev.pgroup.maven;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassPreloaderTest {

    @Test
    void everyClassOfTheAnchorsCodeSourceIsLoaded() {
        // The plugin's own classes (a directory here, a jar in a build): more than this one.
        int loaded = ClassPreloader.preloadCodeSourceOf(ClassPreloader.class);

        assertThat(loaded).isGreaterThan(10);
    }

    @Test
    void theClassesOfAJarAreLoadedToo() {
        // pgroup-core comes as a jar or a directory, depending on how the build resolves it.
        assertThat(ClassPreloader.preloadCodeSourceOf(dev.pgroup.core.Group.class))
                .isGreaterThan(10);
    }
}

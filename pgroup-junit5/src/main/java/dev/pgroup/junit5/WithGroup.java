package dev.pgroup.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test its own fresh, started group of real processes, defined by a {@code group.toml}
 * directory or by a {@link dev.pgroup.core.GroupSpec} in Java.
 *
 * <pre>{@code
 * @WithGroup("src/it/pgroup")
 * class CacheTest {
 *     @Test
 *     void stores(PGroup group) {
 *         int port = group.port("redis", "main");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>A group defined in Java: {@link #spec()} names a static field, or a static method with no
 * parameters, of the test class (or a superclass, or for a {@code @Nested} class an enclosing
 * class) that holds or returns a {@code GroupSpec}:
 *
 * <pre>{@code
 * @WithGroup(spec = "cache")
 * class CacheTest {
 *     static final GroupSpec cache = GroupSpec.named("cache")
 *             .process("redis", p -> p.command("redis-server", "--port", "{{port.main}}")
 *                     .ports("main").readyTcp("main"));
 *     ...
 * }
 * }</pre>
 *
 * <p>A test method's parameter of type {@code dev.pgroup.PGroup} (the runtime's view: id, ports,
 * directory, logs) or {@code dev.pgroup.core.Group} (the engine's, to stop or restart processes)
 * receives the group. After the test the group is stopped and terminated: processes gone, ports
 * released, files deleted. When the test fails, the failure carries the tail of every process's
 * log, and with {@code pgroup.keep=failed} (a system property or JUnit configuration parameter) the
 * files are kept and the failure says where.
 *
 * <p>Several groups in one test: repeat the annotation, and tell the parameters apart with {@link
 * Name}, which matches {@link #name()} (by default the last segment of the definition path). A
 * parameter without {@link Name} needs exactly one group in scope.
 *
 * <p>Engine settings are read as JUnit configuration parameters or system properties: {@code
 * pgroup.baseDir} (where group dirs go), {@code pgroup.database} (the port database) and {@code
 * pgroup.startTimeout} (seconds, default 60); unset, the engine's defaults apply.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(WithGroups.class)
@ExtendWith(PGroupExtension.class)
public @interface WithGroup {
    /**
     * The definition dir holding {@code group.toml}, relative to the working directory (the module
     * dir under Maven and in IDEs), e.g. {@code src/it/pgroup}.
     */
    String value() default "";

    /**
     * Instead of {@link #value()}: the name of a static field or static no-argument method of the
     * test class that holds or returns the {@link dev.pgroup.core.GroupSpec} to create. Give
     * exactly one of {@code value} and {@code spec}.
     */
    String spec() default "";

    /**
     * What {@link Name} on a parameter matches. Default: the last segment of {@link #value()}, or
     * {@link #spec()} itself. Two groups in scope must not share a name.
     */
    String name() default "";

    /**
     * {@link Lifecycle#PER_METHOD} (default): a fresh group for every test method. {@link
     * Lifecycle#PER_CLASS}: one group for all tests of the class, which share its state; only on a
     * class.
     */
    Lifecycle lifecycle() default Lifecycle.PER_METHOD;

    /** How long a group lives. */
    enum Lifecycle {
        /** Created and started before each test method, terminated after it. */
        PER_METHOD,
        /** Created and started before the class's first test, terminated after its last. */
        PER_CLASS
    }

    /**
     * Selects, for a {@code PGroup} or {@code Group} parameter, the {@link WithGroup} whose {@link
     * WithGroup#name()} this is.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Name {
        String value();
    }
}

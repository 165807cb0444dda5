package dev.pgroup.junit5;

import dev.pgroup.PGroup;
import dev.pgroup.core.Group;
import dev.pgroup.core.GroupSpec;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link WithGroup}: creates and starts each group before the tests that
 * declare it, injects it as a {@code dev.pgroup.PGroup} or {@code dev.pgroup.core.Group}
 * parameter, and terminates it with the extension context that holds it.
 *
 * <p>All state lives in {@link ExtensionContext.Store}s, so JUnit closes it, also when a test or a
 * callback fails: the engine in the root store (one per run, thread-safe), the groups in the store
 * of the test method or, for {@code PER_CLASS}, of the class. Groups are owned by the test JVM, so a
 * test run killed outright leaves nothing running: each group's watchdog takes it down.
 *
 * <p>Normally registered by {@link WithGroup} itself; {@code @ExtendWith(PGroupExtension.class)}
 * alone injects nothing.
 */
public final class PGroupExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PGroupExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        List<WithGroup> perClass = new ArrayList<>();
        for (WithGroup w : declaredOn(context.getRequiredTestClass())) {
            if (w.lifecycle() == WithGroup.Lifecycle.PER_CLASS) {
                perClass.add(w);
            }
        }
        startAll(context, perClass);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        List<WithGroup> perMethod = new ArrayList<>();
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = enclosingOfNested(c)) {
            for (WithGroup w : declaredOn(c)) {
                if (w.lifecycle() == WithGroup.Lifecycle.PER_METHOD) {
                    perMethod.add(w);
                }
            }
        }
        for (WithGroup w : AnnotationSupport.findRepeatableAnnotations(method, WithGroup.class)) {
            if (w.lifecycle() == WithGroup.Lifecycle.PER_CLASS) {
                throw new ExtensionConfigurationException(declaration(w) + " on " + testName(context)
                        + ": lifecycle = PER_CLASS belongs on the class; a group on a method lives for that"
                        + " method");
            }
            perMethod.add(w);
        }
        startAll(context, perMethod);
    }

    /** Checks every name in scope first, so that a clash creates nothing, then creates and starts. */
    private void startAll(ExtensionContext context, List<WithGroup> declared) {
        if (declared.isEmpty()) {
            return;
        }
        Map<String, String> names = new HashMap<>();
        inScope(context).forEach(g -> names.put(g.name(), g.declaration()));
        for (WithGroup w : declared) {
            checkDeclaration(context, w);
            String other = names.putIfAbsent(nameOf(w), declaration(w));
            if (other != null) {
                throw new ExtensionConfigurationException("two groups named '" + nameOf(w) + "' in scope of "
                        + testName(context) + ": " + other + " and " + declaration(w)
                        + "; give them distinct names with @WithGroup(value = ..., name = ...)");
            }
        }
        Settings settings = Settings.of(context);
        PGroupEngine engine = EngineResource.of(context, settings);
        ScopeGroups scope = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(key(context), k -> new ScopeGroups(), ScopeGroups.class);
        for (WithGroup w : declared) {
            start(context, engine, settings, scope, w);
        }
    }

    /** Creates and starts one group; on failure nothing of it is left. */
    private static void start(
            ExtensionContext context, PGroupEngine engine, Settings settings, ScopeGroups scope, WithGroup w) {
        Group group = w.spec().isEmpty() ? createFromDir(context, engine, w) : createFromSpec(context, engine, w);
        String where = declaration(w) + " of " + testName(context)
                + (w.spec().isEmpty()
                        ? " (" + Path.of(w.value()).toAbsolutePath().normalize() + ")"
                        : "");
        try {
            group.start(settings.startTimeout());
        } catch (PGroupException e) {
            // The engine stopped what it launched and its message has the log tail; the files and
            // ports go now, so the scope holds only started groups.
            throw terminated(group, new PGroupException(where + ": " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            terminated(group, e);
            throw e;
        }
        scope.add(new StartedGroup(nameOf(w), declaration(w), group));
    }

    private static Group createFromDir(ExtensionContext context, PGroupEngine engine, WithGroup w) {
        Path dir = Path.of(w.value()).toAbsolutePath().normalize();
        String where = declaration(w) + " of " + testName(context) + " (" + dir + ")";
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new ExtensionConfigurationException(where + ": no such directory; the path is relative to the"
                    + " working directory " + Path.of("").toAbsolutePath() + " (the module dir under Maven)");
        }
        return create(where, () -> engine.create(dir));
    }

    private static Group createFromSpec(ExtensionContext context, PGroupEngine engine, WithGroup w) {
        String where = declaration(w) + " of " + testName(context);
        GroupSpec spec;
        try {
            spec = SpecMember.find(context.getRequiredTestClass(), w.spec());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
        }
        GroupSpec found = spec;
        return create(where, () -> engine.create(found));
    }

    /**
     * Creates a group, saying which declaration of which test it is for: a bad definition is a
     * configuration error of the test, anything else the engine's failure.
     */
    private static Group create(String where, java.util.function.Supplier<Group> create) {
        try {
            return create.get();
        } catch (DefinitionException e) {
            throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
        } catch (PGroupException e) {
            throw new PGroupException(where + ": cannot create the group: " + e.getMessage(), e);
        }
    }

    /** Before anything is created: a declaration must say where its definition comes from, once. */
    private static void checkDeclaration(ExtensionContext context, WithGroup w) {
        if (w.value().isEmpty() == w.spec().isEmpty()) {
            throw new ExtensionConfigurationException(declaration(w) + " of " + testName(context)
                    + ": give exactly one of a definition dir, @WithGroup(\"path/to/definition\"), and a"
                    + " GroupSpec, @WithGroup(spec = \"fieldOrMethod\")");
        }
    }

    private static <T extends Throwable> T terminated(Group group, T failure) {
        try {
            group.terminate();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PGroup.class || type == Group.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        StartedGroup g = select(parameter, context);
        return parameter.getParameter().getType() == PGroup.class ? g.runtime() : g.group();
    }

    private static StartedGroup select(ParameterContext parameter, ExtensionContext context) {
        List<StartedGroup> groups = inScope(context);
        String what = "parameter " + parameter.getIndex() + " ("
                + parameter.getParameter().getType().getSimpleName() + ") of " + testName(context);
        Optional<WithGroup.Name> wanted = parameter.findAnnotation(WithGroup.Name.class);
        if (wanted.isPresent()) {
            String name = wanted.get().value();
            return groups.stream()
                    .filter(g -> g.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ParameterResolutionException(what + " asks for the group named '" + name
                            + "', but "
                            + (groups.isEmpty() ? "no @WithGroup is in scope" : "in scope are " + list(groups))));
        }
        if (groups.size() == 1) {
            return groups.get(0);
        }
        if (groups.isEmpty()) {
            throw new ParameterResolutionException(what + " needs a group, but no @WithGroup is in scope: annotate the"
                    + " method or the class with @WithGroup(\"path/to/definition\")");
        }
        throw new ParameterResolutionException(what + " cannot tell apart " + list(groups)
                + "; say which with @WithGroup.Name(\"" + groups.get(0).name() + "\") on the parameter");
    }

    /**
     * After the user's {@code @AfterEach} methods, so they still find the group running: when the
     * test failed, the test's own groups are stopped (svlogd then has written every line) and each
     * group in scope adds its log tails to the failure.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        context.getExecutionException().ifPresent(failure -> addLogs(context, failure));
    }

    /** A failed {@code @BeforeAll} or {@code @AfterAll} method gets the class's group logs. */
    @Override
    public void afterAll(ExtensionContext context) {
        context.getExecutionException().ifPresent(failure -> addLogs(context, failure));
    }

    /**
     * Adds each group's log tails to the failure, and with {@code pgroup.keep=failed} marks the
     * groups' scopes to keep their files. The failure is the very object JUnit reports once the
     * test's node is done.
     */
    private static void addLogs(ExtensionContext context, Throwable failure) {
        boolean keep;
        try {
            keep = Settings.of(context).keepFailed();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return;
        }
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            ScopeGroups scope = c.getStore(NAMESPACE).get(key(c), ScopeGroups.class);
            if (scope == null) {
                continue;
            }
            if (keep) {
                scope.keepFiles();
            }
            boolean own = c == context;
            for (StartedGroup g : scope.groups()) {
                try {
                    if (own && g.group().isRunning()) {
                        g.group().stop();
                    }
                    failure.addSuppressed(new GroupLogs(g, scope.keepsFiles()));
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** The groups visible from {@code context}: its own, then those of the classes around it. */
    private static List<StartedGroup> inScope(ExtensionContext context) {
        List<StartedGroup> out = new ArrayList<>();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            ScopeGroups scope = c.getStore(NAMESPACE).get(key(c), ScopeGroups.class);
            if (scope != null) {
                out.addAll(scope.groups());
            }
        }
        return out;
    }

    /**
     * Keyed by the context's id: a store also answers with its parents' values, and a method must
     * not mistake its class's groups for its own.
     */
    private static String key(ExtensionContext context) {
        return "groups " + context.getUniqueId();
    }

    private static List<WithGroup> declaredOn(Class<?> testClass) {
        return AnnotationSupport.findRepeatableAnnotations(testClass, WithGroup.class);
    }

    /** A {@code @Nested} class sees the groups of the classes around it. */
    private static Class<?> enclosingOfNested(Class<?> c) {
        return Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass();
    }

    private static String nameOf(WithGroup w) {
        if (!w.name().isEmpty()) {
            return w.name();
        }
        if (!w.spec().isEmpty()) {
            return w.spec();
        }
        Path file = Path.of(w.value()).normalize().getFileName();
        return file == null ? w.value() : file.toString();
    }

    private static String declaration(WithGroup w) {
        String named = w.name().isEmpty() ? "" : ", name = \"" + w.name() + "\"";
        if (!w.spec().isEmpty()) {
            return "@WithGroup(" + (w.value().isEmpty() ? "" : "\"" + w.value() + "\", ") + "spec = \"" + w.spec()
                    + "\"" + named + ")";
        }
        return "@WithGroup(\"" + w.value() + "\"" + named + ")";
    }

    private static String list(List<StartedGroup> groups) {
        return groups.stream()
                .map(g -> g.declaration() + " named '" + g.name() + "'")
                .collect(Collectors.joining(", "));
    }

    private static String testName(ExtensionContext context) {
        String cls = context.getTestClass().map(Class::getName).orElse("?");
        return context.getTestMethod().map(m -> cls + "." + m.getName() + "()").orElse(cls);
    }
}

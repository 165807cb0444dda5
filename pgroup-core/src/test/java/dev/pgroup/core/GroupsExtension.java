package dev.pgroup.core;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a {@link Groups}: one per test, kept in the test's {@link
 * ExtensionContext.Store} so that JUnit closes it when the test ends, pass or fail.
 */
final class GroupsExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(GroupsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Groups.class;
    }

    @Override
    public Groups resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Groups.class, key -> Groups.inTempDir(), Groups.class);
    }
}

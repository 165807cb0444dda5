package dev.pgroup.junit5;

import dev.pgroup.core.GroupSpec;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Finds the {@link GroupSpec} that {@code @WithGroup(spec = "name")} names: a static field or a
 * static no-argument method of that name, in the test class, its superclasses, or the classes a
 * {@code @Nested} class sits in, nearest first. Static only: the group of a {@code PER_CLASS} scope
 * exists before any test instance does.
 */
final class SpecMember {
    private SpecMember() {}

    /** @throws IllegalArgumentException saying what was looked for and why it does not fit */
    static GroupSpec find(Class<?> testClass, String name) {
        for (Class<?> outer = testClass; outer != null; outer = outer.getEnclosingClass()) {
            for (Class<?> c = outer; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(name)) {
                        return fromField(f);
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals(name) && m.getParameterCount() == 0) {
                        return fromMethod(m);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no static field or no-argument method '" + name + "' in "
                + testClass.getName() + " (nor its superclasses or enclosing classes) to give the GroupSpec");
    }

    private static GroupSpec fromField(Field f) {
        String what = "field " + f.getDeclaringClass().getName() + "." + f.getName();
        if (!Modifier.isStatic(f.getModifiers()) || !GroupSpec.class.isAssignableFrom(f.getType())) {
            throw new IllegalArgumentException(what + " must be a static field of type GroupSpec");
        }
        try {
            f.setAccessible(true);
            return nonNull(f.get(null), what);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + what + ": " + e, e);
        }
    }

    private static GroupSpec fromMethod(Method m) {
        String what = "method " + m.getDeclaringClass().getName() + "." + m.getName() + "()";
        if (!Modifier.isStatic(m.getModifiers()) || !GroupSpec.class.isAssignableFrom(m.getReturnType())) {
            throw new IllegalArgumentException(what + " must be static and return a GroupSpec");
        }
        try {
            m.setAccessible(true);
            return nonNull(m.invoke(null), what);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(what + " failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("cannot call " + what + ": " + e, e);
        }
    }

    private static GroupSpec nonNull(Object spec, String what) {
        if (spec == null) {
            throw new IllegalArgumentException(what + " gave null instead of a GroupSpec");
        }
        return (GroupSpec) spec;
    }
}

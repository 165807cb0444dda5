package dev.pgroup.core.model;

import java.util.Locale;

/**
 * The environment variable names a group's ports and manifest are exported under (the CLI's {@code
 * env}), in one place, so that create can reject two names that would map to one variable.
 */
public final class ExportedNames {
    private ExportedNames() {}

    /** {@code PGROUP_<PROCESS>_<PORT>_PORT}, e.g. {@code PGROUP_WEB_MAIN_PORT} for port main of web. */
    public static String portVariable(String process, String port) {
        return "PGROUP_" + variable(process) + "_" + variable(port) + "_PORT";
    }

    /** {@code PGROUP_MANIFEST_<GROUP>}. */
    public static String manifestVariable(String group) {
        return "PGROUP_MANIFEST_" + variable(group);
    }

    /** A name as a shell variable: upper case, anything but letters and digits becomes '_'. */
    public static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}

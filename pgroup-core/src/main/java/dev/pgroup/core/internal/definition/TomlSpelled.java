package dev.pgroup.core.internal.definition;

import java.util.Locale;

/**
 * An enum whose constants a {@code group.toml} names: the spelling there is the constant's name in
 * lower case with '-' for '_' ({@code ON_FAILURE} is {@code on-failure}), so that no enum keeps a
 * second list of its names.
 */
public interface TomlSpelled {
    /** The constant's Java name ({@link Enum#name()}). */
    String name();

    /** How {@code group.toml} spells this constant. */
    default String tomlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

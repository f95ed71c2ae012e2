package dev.siit.ids;

import dev.siit.io.InputException;
import java.util.Locale;

/** How items that share an identifier are told apart. */
public enum CollisionResolution {
    /** append a level counting 0..n-1 inside every group of n colliding items (TIGER) */
    SUFFIX,
    /** LETTER's Sinkhorn re-assignment of the last level, then {@link #SUFFIX} for what remains */
    SINKHORN,
    /** keep shared identifiers (as LETTER's released files do) */
    NONE;

    public static CollisionResolution parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("--collisions must be suffix, sinkhorn or none, got \"" + s + "\"");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

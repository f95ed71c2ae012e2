package dev.siit.selfimprove;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How {@link DiverseIdentifierAssigner} gives every item one of its candidate identifiers. */
public enum AssignmentStrategy {
    /** Paper, Section 3.3: items in item order, each takes the first free identifier of its list. */
    PAPER("paper"),
    /** Same rule, items sorted by the score of their best candidate, most confident first. */
    CONFIDENT_FIRST("confident-first"),
    /** Maximum number of distinct identifiers, then maximum total log-probability (min-cost assignment). */
    OPTIMAL("optimal");

    private final String id;

    AssignmentStrategy(String id) {
        this.id = id;
    }

    /** The name used in configs and reports. */
    public String id() {
        return id;
    }

    /** Parses {@code paper}, {@code confident-first} or {@code optimal}. */
    public static AssignmentStrategy parse(String name) {
        for (AssignmentStrategy s : values()) {
            if (s.id.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown assignment strategy '" + name + "', expected one of "
                + Arrays.stream(values()).map(AssignmentStrategy::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}

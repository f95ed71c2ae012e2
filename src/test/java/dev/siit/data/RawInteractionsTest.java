package dev.siit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawInteractionsTest {
    @Test
    void ordersByTimestampAndBreaksTiesByFilePosition() {
        RawInteractions r = new RawInteractions();
        r.add("u1", "c", 30);
        r.add("u2", "x", 5);
        r.add("u1", "a", 10);
        r.add("u1", "b2", 20);
        r.add("u1", "b1", 20); // same time as b2, later in the file -> after b2
        r.add("u1", "b0", 20);
        var seqs = r.chronological();
        assertEquals(List.of("u1", "u2"), List.copyOf(seqs.keySet()));
        assertEquals(List.of("a", "b2", "b1", "b0", "c"), seqs.get("u1"));
        assertEquals(List.of("x"), seqs.get("u2"));
    }
}

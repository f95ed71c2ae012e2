package dev.siit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class KCoreFilterTest {
    private static LinkedHashMap<String, List<String>> seqs(String... userColonItems) {
        LinkedHashMap<String, List<String>> m = new LinkedHashMap<>();
        for (String s : userColonItems) {
            String[] p = s.split(":");
            m.put(p[0], List.of(p[1].split(",")));
        }
        return m;
    }

    @Test
    void dropsUsersAndItemsBelowKInOnePass() {
        // k = 2: item c has 1 interaction -> removed; then u3 has 1 item -> removed
        var out = KCoreFilter.apply(seqs("u1:a,b", "u2:a,b", "u3:c,a"), 2);
        // pass 1: counts a=3 b=2 c=1 -> drop c; u3 keeps [a] (size 1 < 2) -> drop u3
        // pass 2: counts a=2 b=2 -> stable
        assertEquals(seqs("u1:a,b", "u2:a,b"), out);
    }

    @Test
    void iterativeFilterNeedsSeveralPasses() {
        // k = 2, counted by hand:
        // pass 1: a=3 b=2 c=2 d=1 e=2 -> drop d; u3 = [c] is too short -> drop u3
        // pass 2: c=1 now -> drop c; u2 = [b] -> drop u2
        // pass 3: b=1 now -> drop b; u1 = [a] -> drop u1
        // pass 4: a=2 e=2 -> stable
        var out = KCoreFilter.apply(seqs("u1:a,b", "u2:b,c", "u3:c,d", "u4:a,e", "u5:e,a"), 2);
        assertEquals(seqs("u4:a,e", "u5:e,a"), out);
    }

    @Test
    void repeatedInteractionsCountEachTime() {
        var out = KCoreFilter.apply(seqs("u1:a,a", "u2:b,c"), 2);
        assertEquals(seqs("u1:a,a"), out);
    }

    @Test
    void kOfOneOrZeroOnlyDropsEmptyUsers() {
        LinkedHashMap<String, List<String>> in = seqs("u1:a", "u2:b,c");
        in.put("u3", List.of());
        assertEquals(seqs("u1:a", "u2:b,c"), KCoreFilter.apply(in, 1));
        assertEquals(seqs("u1:a", "u2:b,c"), KCoreFilter.apply(in, 0));
    }

    @Test
    void resultIsAFixedPoint() {
        var once = KCoreFilter.apply(seqs("u1:a,b,c", "u2:a,b", "u3:b,c,d", "u4:d,e", "u5:a,c"), 2);
        assertEquals(once, KCoreFilter.apply(once, 2));
        for (var s : once.values()) {
            assert s.size() >= 2;
        }
    }
}

package dev.siit.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserRanksTest {
    @TempDir
    Path dir;

    @Test
    void perUserValuesFromRanksMatchTheEvaluator() {
        int[] targets = {0, 1, 2, 3};
        int[][] ranked = {{0, 1, 2}, {2, 0, 1}, {0, 1, 3}, {3, 2, 1}};
        EvaluationResult r = new Evaluator(4, new int[] {1, 2, 3}).evaluate(targets, ranked);
        UserRanks ranks = UserRanks.of(r, "test", List.of("a", "b", "c", "d"));
        assertArrayEquals(new int[] {1, 3, 0, 1}, ranks.ranks());
        for (String m : List.of("recall@1", "recall@3", "ndcg@2", "ndcg@3")) {
            assertArrayEquals(r.perUser().get(m), ranks.values(m), 0.0, m);
        }
        assertThrows(IllegalArgumentException.class, () -> ranks.values("coverage@3"));
        assertThrows(IllegalArgumentException.class, () -> ranks.values("ndcg@x"));
    }

    @Test
    void savedRanksCompareAcrossRuns() throws IOException {
        UserRanks a = new UserRanks(UserRanks.VERSION, "test", List.of("u1", "u2", "u3"), new int[] {1, 3, 0});
        UserRanks b = new UserRanks(UserRanks.VERSION, "test", List.of("u1", "u2", "u3"), new int[] {2, 3, 1});
        a.write(dir.resolve("a.json"));
        b.write(dir.resolve("b.json"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("a.json").toFile());
        assertEquals(3, j.get("ranks").size());
        UserRanks a2 = UserRanks.read(dir.resolve("a.json"));
        assertArrayEquals(a.ranks(), a2.ranks());
        // recall@1 per user: a = [1, 0, 0], b = [0, 0, 1] -> mean difference 0
        PairedComparison c = PairedComparison.of("recall@1", a2, UserRanks.read(dir.resolve("b.json")), 200, 1);
        assertEquals(0.0, c.meanDifference(), 1e-12);
        assertEquals(1.0 / 3, c.meanA(), 1e-12);
        UserRanks other = new UserRanks(UserRanks.VERSION, "test", List.of("u1", "u3", "u2"), new int[] {1, 1, 1});
        assertThrows(InputException.class, () -> PairedComparison.of("recall@1", a, other, 200, 1));
    }
}

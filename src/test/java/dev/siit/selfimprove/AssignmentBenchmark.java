package dev.siit.selfimprove;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Timing of the three assignment strategies on 10,000 items x 20 candidates (not a test; numbers in
 * docs/results.md). Items come in clusters of 40 whose beams draw from the same 60 (no contention
 * beyond reach) or 25 (heavy contention: at most 25 of 40 can be distinct) identifiers.
 *
 * <pre>java -cp 'target/classes:target/test-classes:target/lib/*' dev.siit.selfimprove.AssignmentBenchmark</pre>
 */
public final class AssignmentBenchmark {
    private AssignmentBenchmark() {
    }

    public static void main(String[] args) {
        for (int pool : new int[] {60, 25}) {
            List<List<Candidate>> cands = clustered(10_000, 20, 40, pool, new SplittableRandom(3));
            for (AssignmentStrategy s : AssignmentStrategy.values()) {
                new DiverseIdentifierAssigner(s).assign(cands); // JIT warm-up
                long t0 = System.nanoTime();
                IdentifierAssignment r = new DiverseIdentifierAssigner(s).assign(cands);
                System.out.printf(Locale.ROOT, "pool %d per cluster of 40: %-16s %6.0f ms  distinct %d  fallbacks %d  "
                                + "total log-prob %.1f%n", pool, s.id(), (System.nanoTime() - t0) / 1e6,
                        r.distinctAssigned(), r.fallbacks(), r.totalScore());
            }
        }
    }

    static List<List<Candidate>> clustered(int n, int k, int clusterSize, int pool, SplittableRandom rnd) {
        List<List<Candidate>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Integer> codes = new ArrayList<>();
            while (codes.size() < k) {
                int c = rnd.nextInt(pool);
                if (!codes.contains(c)) {
                    codes.add(c);
                }
            }
            double[] s = rnd.doubles(k, -10, 0).toArray();
            Arrays.sort(s);
            List<Candidate> list = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                list.add(new Candidate(List.of("<a_" + i / clusterSize + ">", "<b_" + codes.get(j) + ">"), s[k - 1 - j]));
            }
            out.add(list);
        }
        return out;
    }
}

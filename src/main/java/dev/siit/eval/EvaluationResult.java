package dev.siit.eval;

import java.util.Map;

/**
 * @param users    number of evaluated users
 * @param metrics  metric name ({@code recall@10}, {@code ndcg@10}, {@code coverage@10},
 *                 {@code groundTruthCoverage}) -> value
 * @param perUser  metric name -> value of every user, in input order (for paired tests)
 * @param ranks    1-based rank of every user's target, 0 when not in the list
 */
public record EvaluationResult(int users, Map<String, Double> metrics, Map<String, double[]> perUser, int[] ranks) {
    public double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric " + metric + " (have " + metrics.keySet() + ")");
        }
        return v;
    }
}

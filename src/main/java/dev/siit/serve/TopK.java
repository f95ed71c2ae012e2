package dev.siit.serve;

import java.util.ArrayList;
import java.util.List;

/** The k highest finite scores of a vector, best first, ties to the lower index. */
final class TopK {
    private TopK() {
    }

    static List<Recommendation> of(double[] scores, int k) {
        int cap = Math.min(k, scores.length);
        int[] idx = new int[cap];   // kept sorted: best first
        double[] val = new double[cap];
        int n = 0;
        for (int j = 0; j < scores.length; j++) {
            double v = scores[j];
            if (Double.isNaN(v) || v == Double.NEGATIVE_INFINITY) {
                continue;
            }
            // strictly greater: an equal later index never displaces an earlier one
            if (n == cap && !(v > val[n - 1])) {
                continue;
            }
            int pos = n == cap ? cap - 1 : n++;
            while (pos > 0 && v > val[pos - 1]) {
                idx[pos] = idx[pos - 1];
                val[pos] = val[pos - 1];
                pos--;
            }
            idx[pos] = j;
            val[pos] = v;
        }
        List<Recommendation> out = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            out.add(new Recommendation(idx[m], val[m]));
        }
        return out;
    }
}

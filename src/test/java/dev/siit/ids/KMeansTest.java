package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansTest {
    @Test
    void separatesThreeBlobsAndReportsInertia() {
        double[][] x = {{0, 0}, {0, 1}, {10, 0}, {10, 1}, {0, 20}, {1, 20}};
        KMeans km = KMeans.fit(x, 3, 5, 50, new SplittableRandom(1));
        assertEquals(km.labels()[0], km.labels()[1]);
        assertEquals(km.labels()[2], km.labels()[3]);
        assertEquals(km.labels()[4], km.labels()[5]);
        assertNotEquals(km.labels()[0], km.labels()[2]);
        assertNotEquals(km.labels()[0], km.labels()[4]);
        assertEquals(6 * 0.25, km.inertia(), 1e-12); // every point 0.5 from its centre
    }

    @Test
    void balancedRespectsCapacity() {
        // 9 points near one spot and 1 far away, 2 groups: plain k-means gives 9/1, balanced 5/5
        double[][] x = new double[10][];
        for (int i = 0; i < 9; i++) {
            x[i] = new double[] {i * 0.01, 0};
        }
        x[9] = new double[] {100, 0};
        KMeans b = KMeans.balanced(x, 2, 50, new SplittableRandom(2));
        int[] size = new int[2];
        for (int l : b.labels()) {
            size[l]++;
        }
        assertEquals(5, size[0]);
        assertEquals(5, size[1]);
        assertTrue(b.labels()[9] >= 0);
    }
}

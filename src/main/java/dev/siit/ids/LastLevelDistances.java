package dev.siit.ids;

/**
 * Squared distances between the items' last-level residuals and every code of the last
 * codebook of a residual quantiser: what LETTER's Sinkhorn re-assignment balances.
 */
public interface LastLevelDistances {

    /** 0-based level whose token is re-assigned. */
    int level();

    /** distances[k][c] = ||r_L(items[k]) - e_c||^2, shape (items.length, codes). */
    double[][] distances(int[] items);
}

package dev.siit.data;

/**
 * One next-item prediction example.
 *
 * @param user    dense user index
 * @param history up to H dense item indices before the target, oldest first
 * @param target  dense item index to predict
 */
public record Example(int user, int[] history, int target) {
}

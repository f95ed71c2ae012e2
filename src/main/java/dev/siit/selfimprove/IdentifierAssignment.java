package dev.siit.selfimprove;

import java.util.List;

/**
 * The outcome of a diverse assignment, before collision avoidance.
 *
 * @param strategy    how it was made
 * @param identifiers identifiers.get(i) = identifier given to item i; a fallback item holds its
 *                    top candidate, which another item also holds
 * @param chosenRank  chosenRank[i] = 0-based position in item i's ranked list of the identifier it
 *                    got, or -1 for a fallback item (no free candidate)
 * @param totalScore  sum of the scores of the chosen candidates over the non-fallback items
 * @param fallbacks   number of fallback items
 */
public record IdentifierAssignment(AssignmentStrategy strategy, List<List<String>> identifiers, int[] chosenRank,
                                   double totalScore, int fallbacks) {
    public IdentifierAssignment {
        identifiers = List.copyOf(identifiers);
        chosenRank = chosenRank.clone();
    }

    public int numItems() {
        return identifiers.size();
    }

    /** Items that got an identifier no other item has been given (in their own list). */
    public int distinctAssigned() {
        return identifiers.size() - fallbacks;
    }

    /** Share of items whose top candidate was taken by another item (rank > 0 or fallback). */
    public double displacedShare() {
        int displaced = 0;
        for (int r : chosenRank) {
            if (r != 0) {
                displaced++;
            }
        }
        return chosenRank.length == 0 ? 0 : displaced / (double) chosenRank.length;
    }
}

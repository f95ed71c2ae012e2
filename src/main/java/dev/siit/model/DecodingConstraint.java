package dev.siit.model;

/**
 * Which tokens a decoder may emit next, as a small automaton over integer states: decoding
 * starts in {@link #start()}, each emitted token moves to {@link #advance}. {@link PrefixTrie}
 * allows exactly the valid item identifiers; a per-level constraint (position l may only emit
 * level-l tokens) lets the SIIT loop regenerate identifiers that need not exist yet.
 *
 * <p>States are small non-negative ints so beam search can keep one per beam in a Java array.
 */
public interface DecodingConstraint {

    /** State before the first generated token. */
    int start();

    /** Tokens allowed after {@code state}, sorted ascending; empty at a dead end or after EOS. */
    int[] allowed(int state);

    /** State after emitting {@code token} in {@code state}, or -1 when the token is not allowed. */
    int advance(int state, int token);

    /** Whether {@code state} was reached by emitting EOS, i.e. a complete sequence. */
    boolean complete(int state);

    /** Longest sequence this constraint can produce, EOS included (decoding steps needed). */
    int maxLength();

    /**
     * Every token that is allowed in some state, sorted ascending. Beam search scores only these
     * columns of the vocabulary, so the mask moved per step is (rows, |vocabulary|), not (rows, V).
     */
    int[] vocabulary();

    /** Tokens allowed after {@code prefix} (generated tokens, start token excluded). */
    default int[] allowedAfter(int[] prefix) {
        int s = start();
        for (int t : prefix) {
            s = advance(s, t);
            if (s < 0) {
                return new int[0];
            }
        }
        return allowed(s);
    }
}

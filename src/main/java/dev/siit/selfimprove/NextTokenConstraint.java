package dev.siit.selfimprove;

/**
 * Which token ids the decoder may emit next, given what it has emitted so far.
 *
 * <p>TODO(merge): mirrors {@code dev.siit.model.DecodingConstraint} of the train branch; once
 * merged, {@link PerLevelConstraint} implements that interface instead and this one goes.
 */
public interface NextTokenConstraint {
    /**
     * @param prefix tokens generated so far, without the decoder start token
     * @return allowed next token ids, ascending; never empty for a prefix this constraint produced
     */
    int[] allowedNext(int[] prefix);
}

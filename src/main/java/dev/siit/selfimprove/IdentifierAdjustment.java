package dev.siit.selfimprove;

import dev.siit.ids.ItemIdentifiers;
import java.util.ArrayList;
import java.util.List;

/**
 * Which items' identifiers changed between two tokenizations (paper, Section 4.4 and Figure 2:
 * the "identifier adjustment ratio").
 *
 * <p>Only the base levels count: tokens of level {@code >= baseLevels} (the collision-breaking
 * level {@code <e_k>} that {@link CollisionAvoidance} appends) are dropped before comparing.
 * Those suffixes are bookkeeping that depends on which other items collide, not on what the model
 * generated for the item; counting them would report an item whose generated code is unchanged as
 * "adjusted" just because a neighbour now collides with it. With {@code baseLevels} = the number of
 * levels of the initial identifiers T0, the ratio is the share of items for which the model's
 * regenerated (and diversely assigned) code differs from the previous one.
 *
 * @param items   number of items compared
 * @param changes the items whose base identifier changed, in item order
 */
public record IdentifierAdjustment(int items, List<Change> changes) {

    /** One changed item, base tokens before and after. */
    public record Change(int item, List<String> before, List<String> after) {
    }

    public IdentifierAdjustment {
        changes = List.copyOf(changes);
    }

    public static IdentifierAdjustment between(ItemIdentifiers before, ItemIdentifiers after, int baseLevels) {
        return between(before.tokens(), after.tokens(), baseLevels);
    }

    public static IdentifierAdjustment between(List<List<String>> before, List<List<String>> after, int baseLevels) {
        if (before.size() != after.size()) {
            throw new IllegalArgumentException(before.size() + " identifiers before, " + after.size() + " after");
        }
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            List<String> b = baseTokens(before.get(i), baseLevels);
            List<String> a = baseTokens(after.get(i), baseLevels);
            if (!a.equals(b)) {
                changes.add(new Change(i, b, a));
            }
        }
        return new IdentifierAdjustment(before.size(), changes);
    }

    /** The tokens of {@code identifier} whose level is below {@code baseLevels}, in order. */
    public static List<String> baseTokens(List<String> identifier, int baseLevels) {
        List<String> out = new ArrayList<>(identifier.size());
        for (String t : identifier) {
            if (CodeToken.levelOf(t) < baseLevels) {
                out.add(t);
            }
        }
        return out;
    }

    public int changed() {
        return changes.size();
    }

    /** Share of items whose base identifier changed. */
    public double ratio() {
        return items == 0 ? 0 : changes.size() / (double) items;
    }
}

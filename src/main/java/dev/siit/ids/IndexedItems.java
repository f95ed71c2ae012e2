package dev.siit.ids;

/**
 * An indexer's raw output.
 *
 * @param ids        identifiers, possibly with collisions
 * @param lastLevel  the quantiser's last level, for Sinkhorn re-assignment; null when the method
 *                   has none (SID, IID, TID, CID, imported files)
 */
public record IndexedItems(ItemIdentifiers ids, LastLevelDistances lastLevel) {
    public IndexedItems(ItemIdentifiers ids) {
        this(ids, null);
    }
}

package dev.siit.ids;

/**
 * Turns the training view of a dataset into an identifier per item (before collision
 * resolution, which {@link CollisionResolver} applies as an explicit, separate choice).
 * Implementations are deterministic given the seed.
 */
public interface ItemIndexer {

    /** Short method name as used on the command line ({@code sid}, {@code cid}, ...). */
    String method();

    /** Indexes {@code items}; all randomness derives from {@code seed}. */
    IndexedItems index(TrainingItems items, long seed);
}

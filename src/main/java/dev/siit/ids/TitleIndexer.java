package dev.siit.ids;

import java.util.ArrayList;
import java.util.List;

/**
 * TID, title indexing: the identifier is the item's title, one string element. Splitting it into
 * T5 sub-word tokens is the model's business: the decoder tokenizes every title with the T5
 * tokenizer and constrains beam search with a prefix trie over those token-id sequences (plus
 * EOS), so only catalogue titles can be generated. Items sharing a title collide like any other
 * identifier; {@code suffix} appends a code token {@code <b_k>} after the title.
 *
 * <p>Written to {@code .index.json} as {@code {"id": ["Toy Story (1995)"]}} and read back with
 * {@link IndexFile.TokenKind#TITLE}. Items without a title are refused: an empty identifier
 * cannot be generated.
 */
public final class TitleIndexer implements ItemIndexer {
    @Override
    public String method() {
        return "tid";
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        items.requireTitles("TID (title identifiers)");
        List<List<String>> tokens = new ArrayList<>(items.numItems());
        for (int i = 0; i < items.numItems(); i++) {
            tokens.add(List.of(items.itemTexts().get(i).title()));
        }
        return new IndexedItems(new ItemIdentifiers(tokens));
    }
}

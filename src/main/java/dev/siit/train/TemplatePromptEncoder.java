package dev.siit.train;

import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.PromptTemplates;
import java.util.ArrayList;
import java.util.List;

/** The paper's templates filled with the history's identifiers, tokenized by the item tokenizer. */
public final class TemplatePromptEncoder implements PromptEncoder {
    private final PromptTemplates templates;
    private final ItemTokenizer tokenizer;
    private final ItemIdentifiers identifiers;

    public TemplatePromptEncoder(PromptTemplates templates, ItemTokenizer tokenizer, ItemIdentifiers identifiers) {
        this.templates = templates;
        this.tokenizer = tokenizer;
        this.identifiers = identifiers;
    }

    @Override
    public int numTemplates() {
        return templates.size();
    }

    /** The prompt text (for display). */
    public String render(int template, int[] history) {
        List<String> ids = new ArrayList<>(history.length);
        for (int item : history) {
            ids.add(identifiers.joined(item));
        }
        return templates.render(template, ids);
    }

    @Override
    public int[] encode(int template, int[] history) {
        return tokenizer.encode(render(template, history));
    }

    @Override
    public List<int[]> encodeBatch(int[] templateOf, List<int[]> histories) {
        List<String> texts = new ArrayList<>(histories.size());
        for (int i = 0; i < histories.size(); i++) {
            texts.add(render(templateOf[i], histories.get(i)));
        }
        return tokenizer.encodeBatch(texts);
    }

    /** Token ids of every item's identifier (no EOS), the rows of the prefix trie. */
    public static int[][] identifierIds(ItemTokenizer tokenizer, ItemIdentifiers identifiers) {
        int[][] out = new int[identifiers.numItems()][];
        for (int i = 0; i < out.length; i++) {
            List<String> t = identifiers.of(i);
            out[i] = new int[t.size()];
            for (int k = 0; k < t.size(); k++) {
                out[i][k] = tokenizer.itemId(t.get(k));
            }
        }
        return out;
    }
}

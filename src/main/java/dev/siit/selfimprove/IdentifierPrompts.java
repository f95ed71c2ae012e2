package dev.siit.selfimprove;

import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.PromptTemplates;
import dev.siit.train.PromptEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequential-recommendation prompts over the current identifiers: template {@code t} of the
 * paper's 15 with the history's identifiers ({@code <a_1><b_2>, <a_3><b_1>, ...}) filled in,
 * tokenized by the item tokenizer (EOS appended).
 */
public final class IdentifierPrompts implements PromptEncoder {
    private final PromptTemplates templates;
    private final ItemTokenizer tokenizer;
    private final String[] identifierText; // identifierText[i] = item i's identifier as text

    public IdentifierPrompts(PromptTemplates templates, ItemTokenizer tokenizer, ItemIdentifiers ids) {
        this.templates = templates;
        this.tokenizer = tokenizer;
        this.identifierText = new String[ids.numItems()];
        for (int i = 0; i < ids.numItems(); i++) {
            identifierText[i] = AlignmentTasks.identifierText(ids.of(i));
        }
    }

    @Override
    public int numTemplates() {
        return templates.size();
    }

    @Override
    public int[] encode(int template, int[] history) {
        List<String> items = new ArrayList<>(history.length);
        for (int item : history) {
            items.add(identifierText[item]);
        }
        return tokenizer.encode(templates.render(template, items));
    }
}

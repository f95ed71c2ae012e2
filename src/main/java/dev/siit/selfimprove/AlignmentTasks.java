package dev.siit.selfimprove;

import dev.siit.data.InteractionDataset;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.PromptTemplates;
import java.util.ArrayList;
import java.util.List;

/**
 * The item-identifier alignment tasks (paper, Section 3.2), built from every item with a title:
 * Item-to-Identifier ("Please generate the index for the item called TITLE:" -> the identifier)
 * and Identifier-to-Item ("Please generate the name for the item corresponding to ID:" -> the
 * title). Items without a title give no example (they have nothing to align with). The
 * Item-to-Identifier prompt is also the one regeneration decodes from (Section 3.3).
 */
public final class AlignmentTasks {

    /** Which of the two alignment tasks an example belongs to. */
    public enum Task { ITEM_TO_IDENTIFIER, IDENTIFIER_TO_ITEM }

    /** One training example: the model reads {@code prompt} and is trained to emit {@code target}. */
    public record Example(Task task, int item, String prompt, String target) {
    }

    private final String itemToIdentifier;
    private final String identifierToItem;

    /**
     * @param itemToIdentifier template with a {@code {title}} placeholder
     * @param identifierToItem template with an {@code {identifier}} placeholder
     */
    public AlignmentTasks(String itemToIdentifier, String identifierToItem) {
        if (!itemToIdentifier.contains("{title}")) {
            throw new IllegalArgumentException("the Item-to-Identifier template needs a {title} placeholder: " + itemToIdentifier);
        }
        if (!identifierToItem.contains("{identifier}")) {
            throw new IllegalArgumentException("the Identifier-to-Item template needs an {identifier} placeholder: " + identifierToItem);
        }
        this.itemToIdentifier = itemToIdentifier;
        this.identifierToItem = identifierToItem;
    }

    /**
     * The two task texts of the prompt resource ({@link PromptTemplates}, {@code prompts.json},
     * key {@code alignment}); any template set carries the same pair.
     */
    public static AlignmentTasks of(PromptTemplates templates) {
        // rendering the placeholders themselves gives back the raw templates
        return new AlignmentTasks(templates.itemToIdentifier("{title}"), templates.identifierToItem("{identifier}"));
    }

    /** The paper's task texts. */
    public static AlignmentTasks paper() {
        return of(PromptTemplates.load("product"));
    }

    /** The identifier as prompt/target text: tokens joined without spaces, {@code <a_1><b_2><c_3>}. */
    public static String identifierText(List<String> tokens) {
        return String.join("", tokens);
    }

    public String itemToIdentifierPrompt(String title) {
        return itemToIdentifier.replace("{title}", title);
    }

    public String identifierToItemPrompt(List<String> identifier) {
        return identifierToItem.replace("{identifier}", identifierText(identifier));
    }

    /**
     * Both tasks for every item with a title, item by item (Item-to-Identifier first). Training
     * shuffles them with its own seeded generator.
     */
    public List<Example> build(InteractionDataset data, ItemIdentifiers ids) {
        if (ids.numItems() != data.numItems()) {
            throw new IllegalArgumentException(ids.numItems() + " identifiers for " + data.numItems() + " items");
        }
        List<Example> out = new ArrayList<>(2 * data.numItems());
        for (int i = 0; i < data.numItems(); i++) {
            if (!data.hasTitle(i)) {
                continue;
            }
            String title = data.itemTexts().get(i).title();
            out.add(new Example(Task.ITEM_TO_IDENTIFIER, i, itemToIdentifierPrompt(title), identifierText(ids.of(i))));
            out.add(new Example(Task.IDENTIFIER_TO_ITEM, i, identifierToItemPrompt(ids.of(i)), title));
        }
        return out;
    }

    /** Items whose identifiers regeneration can refine: those with a title. */
    public static int[] itemsWithTitle(InteractionDataset data) {
        int[] items = new int[data.itemsWithTitle()];
        int k = 0;
        for (int i = 0; i < data.numItems(); i++) {
            if (data.hasTitle(i)) {
                items[k++] = i;
            }
        }
        return items;
    }
}

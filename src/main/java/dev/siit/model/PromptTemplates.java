package dev.siit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.DatasetFormat;
import dev.siit.io.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instruction templates of the paper (appendix B): 15 sequential-recommendation prompts per
 * domain with a {@code [HistoryHere]} slot, and the two item-identifier alignment prompts of
 * section 3.2. They live in the resource {@code prompts.json}, not in code.
 *
 * <p>The history is the identifiers of the past items, oldest first, joined by {@code ", "}
 * (the paper's example: {@code "This person has bought <a_1><b_2>..., ..., <a_..>... in the
 * previous."}).
 */
public final class PromptTemplates {
    public static final String RESOURCE = "prompts.json";
    private static final int FORMAT_VERSION = 1;

    private final String domain;
    private final List<String> templates;
    private final String placeholder;
    private final String separator;
    private final String itemToIdentifier;
    private final String identifierToItem;

    private PromptTemplates(String domain, List<String> templates, String placeholder, String separator,
                            String itemToIdentifier, String identifierToItem) {
        this.domain = domain;
        this.templates = List.copyOf(templates);
        this.placeholder = placeholder;
        this.separator = separator;
        this.itemToIdentifier = itemToIdentifier;
        this.identifierToItem = identifierToItem;
    }

    /** The template set of a domain: {@code product} (Amazon wording) or {@code movie}. */
    public static PromptTemplates load(String domain) {
        JsonNode root;
        try (InputStream in = PromptTemplates.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/siit/model/" + RESOURCE + " is missing from the build");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + RESOURCE + ": " + e.getMessage(), e);
        }
        if (root.path("format_version").asInt() != FORMAT_VERSION) {
            throw new IllegalStateException(RESOURCE + " has format_version " + root.path("format_version")
                    + ", expected " + FORMAT_VERSION);
        }
        String key = domain.toLowerCase(Locale.ROOT);
        JsonNode set = root.path("sets").path(key);
        if (!set.isArray() || set.isEmpty()) {
            List<String> known = new ArrayList<>();
            root.path("sets").fieldNames().forEachRemaining(known::add);
            throw new InputException("unknown prompt template set '" + domain + "': use one of " + known);
        }
        String placeholder = root.path("history_placeholder").asText();
        List<String> templates = new ArrayList<>();
        for (JsonNode t : set) {
            if (!t.asText().contains(placeholder)) {
                throw new IllegalStateException(RESOURCE + " template '" + t.asText() + "' has no " + placeholder);
            }
            templates.add(t.asText());
        }
        return new PromptTemplates(key, templates, placeholder, root.path("history_separator").asText(),
                root.path("alignment").path("item_to_identifier").asText(),
                root.path("alignment").path("identifier_to_item").asText());
    }

    /** The default set for a dataset format: MovieLens -> movie, everything else -> product. */
    public static PromptTemplates forDataset(DatasetFormat format) {
        return load(format == DatasetFormat.MOVIELENS ? "movie" : "product");
    }

    public String domain() {
        return domain;
    }

    /** Number of sequential-recommendation templates (15 in the paper). */
    public int size() {
        return templates.size();
    }

    public String template(int index) {
        return templates.get(index);
    }

    /**
     * Template {@code templateIndex} with the history filled in: each element is one item's
     * identifier ({@code <a_1><b_2><c_3>}), oldest first.
     */
    public String render(int templateIndex, List<String> historyIdentifiers) {
        if (templateIndex < 0 || templateIndex >= templates.size()) {
            throw new IllegalArgumentException("template index " + templateIndex + " outside 0.." + (templates.size() - 1));
        }
        return templates.get(templateIndex).replace(placeholder, String.join(separator, historyIdentifiers));
    }

    /** Item-to-identifier alignment instruction (section 3.2) for an item's title. */
    public String itemToIdentifier(String title) {
        return itemToIdentifier.replace("{title}", title);
    }

    /** Identifier-to-item alignment instruction (section 3.2) for an identifier. */
    public String identifierToItem(String identifier) {
        return identifierToItem.replace("{identifier}", identifier);
    }
}

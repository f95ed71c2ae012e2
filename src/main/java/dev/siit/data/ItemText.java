package dev.siit.data;

/**
 * The text known about one item. {@code title} is what prompts and the alignment tasks show;
 * {@code description} is extra text (MovieLens genres, Amazon descriptions) used for embeddings.
 * Either may be empty; an item without any text is represented by {@code null} in the dataset.
 */
public record ItemText(String title, String description) {
    public ItemText {
        title = title == null ? "" : title.strip();
        description = description == null ? "" : description.strip();
    }

    /** Title and description joined, the text an embedding model reads. */
    public String fullText() {
        if (description.isEmpty()) {
            return title;
        }
        return title.isEmpty() ? description : title + ". " + description;
    }
}

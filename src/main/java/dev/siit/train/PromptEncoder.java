package dev.siit.train;

/**
 * Renders and tokenizes a recommendation prompt: template {@code template} filled with the
 * identifiers of {@code history} (dense item ids, oldest first). Implemented over the T5 item
 * tokenizer and the paper's 15 templates.
 */
public interface PromptEncoder {
    int numTemplates();

    /** Token ids of the prompt, EOS included when the model expects it. */
    int[] encode(int template, int[] history);

    /** Prompts of many users at once (implementations batch the tokenizer call). */
    default java.util.List<int[]> encodeBatch(int[] templateOf, java.util.List<int[]> histories) {
        java.util.List<int[]> out = new java.util.ArrayList<>(histories.size());
        for (int i = 0; i < histories.size(); i++) {
            out.add(encode(templateOf[i], histories.get(i)));
        }
        return out;
    }
}

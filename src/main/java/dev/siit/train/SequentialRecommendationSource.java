package dev.siit.train;

import dev.siit.data.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sequential recommendation task: for every training example a template drawn per example
 * and epoch, the history's identifiers in the prompt, target = the next item's identifier
 * tokens + EOS.
 */
public final class SequentialRecommendationSource implements ExampleSource {
    private final List<Example> examples;
    private final PromptEncoder prompts;
    private final int[][] identifierIds;
    private final int eos;

    /**
     * @param examples      training examples (from {@code LeaveOneOutSplit.trainExamples()})
     * @param identifierIds identifierIds[i] = token ids of dense item i's identifier, no EOS
     */
    public SequentialRecommendationSource(List<Example> examples, PromptEncoder prompts, int[][] identifierIds,
                                          int eosTokenId) {
        this.examples = List.copyOf(examples);
        this.prompts = prompts;
        this.identifierIds = identifierIds;
        this.eos = eosTokenId;
    }

    /** Target of item {@code item}: its identifier tokens followed by EOS. */
    public static int[] target(int[] identifier, int eos) {
        int[] t = java.util.Arrays.copyOf(identifier, identifier.length + 1);
        t[identifier.length] = eos;
        return t;
    }

    @Override
    public List<Seq2SeqExample> examples(int epoch, SplittableRandom rng) {
        int[] template = new int[examples.size()];
        List<int[]> histories = new ArrayList<>(examples.size());
        for (int i = 0; i < template.length; i++) {
            template[i] = rng.nextInt(prompts.numTemplates());
            histories.add(examples.get(i).history());
        }
        List<Seq2SeqExample> out = new ArrayList<>(examples.size());
        int chunk = 8192; // one tokenizer call per chunk
        for (int start = 0; start < template.length; start += chunk) {
            int end = Math.min(template.length, start + chunk);
            List<int[]> ids = prompts.encodeBatch(java.util.Arrays.copyOfRange(template, start, end),
                    histories.subList(start, end));
            for (int i = start; i < end; i++) {
                out.add(new Seq2SeqExample(ids.get(i - start), target(identifierIds[examples.get(i).target()], eos)));
            }
        }
        return out;
    }

    @Override
    public int size() {
        return examples.size();
    }
}

package dev.siit.selfimprove;

import dev.siit.model.ItemTokenizer;
import dev.siit.train.ExampleSource;
import dev.siit.train.Seq2SeqExample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The item-identifier alignment tasks as training examples (paper, Section 3.2): both tasks for
 * every item with a title, tokenized once; every epoch sees all of them (the trainer shuffles).
 */
public final class AlignmentSource implements ExampleSource {
    private final List<Seq2SeqExample> examples;

    public AlignmentSource(List<AlignmentTasks.Example> tasks, ItemTokenizer tokenizer) {
        List<String> texts = new ArrayList<>(2 * tasks.size());
        for (AlignmentTasks.Example e : tasks) {
            texts.add(e.prompt());
            texts.add(e.target());
        }
        List<int[]> ids = tokenizer.encodeBatch(texts); // each ends with EOS
        List<Seq2SeqExample> out = new ArrayList<>(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            out.add(new Seq2SeqExample(ids.get(2 * k), ids.get(2 * k + 1)));
        }
        this.examples = List.copyOf(out);
    }

    @Override
    public List<Seq2SeqExample> examples(int epoch, SplittableRandom rng) {
        return examples;
    }

    @Override
    public int size() {
        return examples.size();
    }
}

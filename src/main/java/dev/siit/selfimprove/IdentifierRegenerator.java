package dev.siit.selfimprove;

import ai.djl.ndarray.NDManager;
import dev.siit.io.Progress;
import dev.siit.model.ConstrainedBeamSearch;
import dev.siit.model.DecodingStreams;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.Seq2SeqModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Regeneration (paper, Section 3.3): beam search on every item's Item-to-Identifier prompt with
 * the aligned model M'(i-1) under the {@link PerLevelConstraint}; the finished beams, best first,
 * are the item's ranked candidate identifiers (beam = top-k). Greedy decoding is beam 1.
 */
public final class IdentifierRegenerator {
    private final Seq2SeqModel model;
    private final ItemTokenizer tokenizer;
    private final ConstrainedBeamSearch search;
    private final int batchSize;

    public IdentifierRegenerator(Seq2SeqModel model, ItemTokenizer tokenizer, PerLevelConstraint constraint, int beam,
                                 int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.search = new ConstrainedBeamSearch(model, constraint, beam, tokenizer.padId());
        this.batchSize = batchSize;
    }

    /** Ranked candidates per prompt (prompts in item order), with a progress bar. */
    public List<List<Candidate>> regenerate(NDManager manager, List<String> prompts) {
        return regenerate(manager, prompts, true);
    }

    /** @param progress false for the self-recall check after every alignment epoch (its result is logged) */
    public List<List<Candidate>> regenerate(NDManager manager, List<String> prompts, boolean progress) {
        List<int[]> ids = tokenizer.encodeBatch(prompts);
        List<List<Candidate>> out = new ArrayList<>(prompts.size());
        int batches = (ids.size() + batchSize - 1) / batchSize;
        try (Progress bar = progress ? Progress.start("regenerate identifiers", prompts.size(), "items") : Progress.none()) {
            List<List<List<ConstrainedBeamSearch.Hypothesis>>> decoded = DecodingStreams.shared().map(manager, batches,
                    (m, b) -> search.search(m, ids.subList(b * batchSize, Math.min(ids.size(), (b + 1) * batchSize))
                            .toArray(new int[0][])),
                    b -> bar.stepBy(Math.min(ids.size(), (b + 1) * batchSize) - b * batchSize));
            for (List<List<ConstrainedBeamSearch.Hypothesis>> batch : decoded) {
                for (List<ConstrainedBeamSearch.Hypothesis> hyps : batch) {
                    if (hyps.isEmpty()) {
                        throw new IllegalStateException("beam search finished no identifier for item " + out.size());
                    }
                    List<Candidate> list = new ArrayList<>(hyps.size());
                    for (ConstrainedBeamSearch.Hypothesis h : hyps) {
                        List<String> tokens = new ArrayList<>(h.tokens().length);
                        for (int t : h.tokens()) {
                            tokens.add(tokenizer.token(t));
                        }
                        list.add(new Candidate(tokens, h.score()));
                    }
                    out.add(list);
                }
            }
        }
        return out;
    }
}

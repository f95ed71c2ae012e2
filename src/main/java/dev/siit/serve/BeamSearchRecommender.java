package dev.siit.serve;

import ai.djl.ndarray.NDManager;
import dev.siit.model.ConstrainedBeamSearch;
import dev.siit.model.ConstrainedBeamSearch.Hypothesis;
import dev.siit.model.ConstrainedBeamSearch.ScoredItem;
import dev.siit.model.PrefixTrie;
import dev.siit.model.Seq2SeqModel;
import dev.siit.train.PromptEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The generative recommender behind the server: every history becomes a prompt (one fixed
 * template), the whole batch is decoded by one trie-constrained beam search, and items are
 * ranked by their identifier's log-probability (sum of token log-probabilities; EOS only where it competes with a longer identifier).
 *
 * <p>Serving differs from evaluation in two deliberate ways: the template is fixed (training
 * and evaluation draw one at random), and items sharing an identifier are ordered by a generator
 * seeded from the history itself, so a user gets the same answer whatever else is in the batch.
 * At most {@code beam} identifiers come back per history: a request for more items than the
 * beam gets fewer (the beam bounds what the search ranks).
 *
 * <p>Concurrent calls are safe: the search, trie and prompt encoder are read-only (the search's
 * score mask lives in a per-thread buffer), and each call decodes inside its own sub-manager of
 * {@code manager} (the beam search opens it; DJL's managers track children in concurrent maps),
 * so memory stays flat. Each calling thread decodes with its own PyTorch intra-op thread count.
 */
public final class BeamSearchRecommender implements Recommender {
    private final ConstrainedBeamSearch search;
    private final PrefixTrie trie;
    private final PromptEncoder prompts;
    private final int template;
    private final int maxHistory;
    private final int numItems;
    private final long seed;
    private final NDManager manager;
    private final Map<String, Object> info;

    /**
     * @param template   prompt template used for every request, 0..prompts.numTemplates()-1
     * @param maxHistory H the model was trained with
     * @param seed       orders items that share an identifier
     * @param info       what /info shows about the run (identifier iteration, model config, metrics)
     */
    public BeamSearchRecommender(Seq2SeqModel model, PrefixTrie trie, PromptEncoder prompts, int template, int beam,
                                 int padTokenId, int maxHistory, int numItems, long seed, NDManager manager,
                                 Map<String, Object> info) {
        if (template < 0 || template >= prompts.numTemplates()) {
            throw new IllegalArgumentException("template must be 0.." + (prompts.numTemplates() - 1) + ", got " + template);
        }
        if (maxHistory < 1 || numItems < 1) {
            throw new IllegalArgumentException("maxHistory and numItems must be >= 1");
        }
        this.search = new ConstrainedBeamSearch(model, trie, beam, padTokenId);
        this.trie = trie;
        this.prompts = prompts;
        this.template = template;
        this.maxHistory = maxHistory;
        this.numItems = numItems;
        this.seed = seed;
        this.manager = manager;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "generative");
        m.put("description", "Trie-constrained beam search over the trained model; items ranked by identifier log-probability.");
        m.put("beam", beam);
        m.put("template", template);
        m.put("maxHistory", maxHistory);
        m.put("excludesHistoryItems", false);
        m.putAll(info);
        this.info = java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public List<List<Recommendation>> recommendBatch(List<int[]> histories, int k) {
        int[][] encoded = new int[histories.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = prompts.encode(template, histories.get(i));
        }
        List<List<Hypothesis>> hyps = search.search(manager, encoded); // one batched decode
        List<List<Recommendation>> out = new ArrayList<>(hyps.size());
        for (int i = 0; i < hyps.size(); i++) {
            SplittableRandom rng = new SplittableRandom(seed ^ Arrays.hashCode(histories.get(i)));
            List<Recommendation> r = new ArrayList<>(k);
            for (ScoredItem s : ConstrainedBeamSearch.rankItems(hyps.get(i), trie, k, rng)) {
                r.add(new Recommendation(s.item(), s.score()));
            }
            out.add(r);
        }
        return out;
    }

    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public int maxHistory() {
        return maxHistory;
    }

    @Override
    public int numItems() {
        return numItems;
    }

    @Override
    public Map<String, Object> info() {
        return info;
    }
}

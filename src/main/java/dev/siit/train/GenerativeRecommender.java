package dev.siit.train;

import ai.djl.ndarray.NDManager;
import dev.siit.data.Example;
import dev.siit.eval.EvaluationResult;
import dev.siit.eval.Evaluator;
import dev.siit.model.ConstrainedBeamSearch;
import dev.siit.model.ConstrainedBeamSearch.ScoredItem;
import dev.siit.model.DecodingStreams;
import dev.siit.model.PrefixTrie;
import dev.siit.model.Seq2SeqModel;
import dev.siit.model.TokenNormalisation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Recommends by generating identifiers: a prompt per user (template drawn from a seeded
 * generator), trie-constrained beam search in batches of users, items ranked by the sum of
 * their identifier's token log-probabilities.
 */
public final class GenerativeRecommender {
    private final ConstrainedBeamSearch search;
    private final PrefixTrie trie;
    private final PromptEncoder prompts;
    private final int batchSize;

    public GenerativeRecommender(Seq2SeqModel model, PrefixTrie trie, PromptEncoder prompts, int beam, int batchSize,
                                 int padTokenId) {
        this(model, trie, prompts, beam, batchSize, padTokenId, TokenNormalisation.FULL);
    }

    public GenerativeRecommender(Seq2SeqModel model, PrefixTrie trie, PromptEncoder prompts, int beam, int batchSize,
                                 int padTokenId, TokenNormalisation normalisation) {
        this.search = new ConstrainedBeamSearch(model, trie, beam, padTokenId, normalisation);
        this.trie = trie;
        this.prompts = prompts;
        this.batchSize = batchSize;
    }

    public int beamSize() {
        return search.beamSize();
    }

    /**
     * Top-k items (dense ids) with scores per history; k is at most the beam size. {@code rng}
     * draws every user's template first, in user order, then breaks ties between items that share
     * an identifier, in user order: the draws do not depend on how the batches were decoded, so
     * the result is the same for any number of {@link DecodingStreams}.
     */
    public List<List<ScoredItem>> recommend(NDManager manager, List<int[]> histories, int k, SplittableRandom rng) {
        int[] templates = new int[histories.size()];
        for (int i = 0; i < templates.length; i++) {
            templates[i] = rng.nextInt(prompts.numTemplates());
        }
        List<int[][]> batches = new ArrayList<>(); // encoded here: the tokenizer stays on this thread
        for (int start = 0; start < histories.size(); start += batchSize) {
            int end = Math.min(histories.size(), start + batchSize);
            batches.add(prompts.encodeBatch(Arrays.copyOfRange(templates, start, end), histories.subList(start, end))
                    .toArray(new int[0][]));
        }
        List<List<ConstrainedBeamSearch.Hypothesis>> hyps = new ArrayList<>(histories.size());
        for (var batch : DecodingStreams.shared().map(manager, batches.size(), (m, b) -> search.search(m, batches.get(b)),
                b -> { })) {
            hyps.addAll(batch);
        }
        List<List<ScoredItem>> out = new ArrayList<>(hyps.size());
        for (List<ConstrainedBeamSearch.Hypothesis> h : hyps) {
            out.add(ConstrainedBeamSearch.rankItems(h, trie, k, rng));
        }
        return out;
    }

    /** Full-ranking evaluation of {@code examples} (ranked lists of beam-size length). */
    public EvaluationResult evaluate(NDManager manager, List<Example> examples, int numItems, int[] ks,
                                     SplittableRandom rng) {
        List<int[]> histories = new ArrayList<>(examples.size());
        int[] targets = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            histories.add(examples.get(i).history());
            targets[i] = examples.get(i).target();
        }
        List<List<ScoredItem>> recs = recommend(manager, histories, search.beamSize(), rng);
        int[][] ranked = new int[recs.size()][];
        for (int u = 0; u < ranked.length; u++) {
            ranked[u] = recs.get(u).stream().mapToInt(ScoredItem::item).toArray();
        }
        return new Evaluator(numItems, ks).evaluate(targets, ranked);
    }

    /**
     * A validator over the first {@code maxUsers} examples (all when 0), with the same
     * templates every time (generator re-created from {@code seed}).
     */
    public Validator validator(List<Example> examples, int numItems, long seed, int maxUsers) {
        List<Example> users = maxUsers > 0 && maxUsers < examples.size() ? examples.subList(0, maxUsers) : examples;
        return manager -> {
            EvaluationResult r = evaluate(manager, users, numItems, new int[] {5, 10, 20}, new SplittableRandom(seed));
            Map<String, Double> m = new LinkedHashMap<>();
            for (String key : List.of("recall@5", "ndcg@5", "recall@10", "ndcg@10", "recall@20", "ndcg@20")) {
                m.put(key, r.get(key));
            }
            return m;
        };
    }
}

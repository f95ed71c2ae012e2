package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import dev.siit.model.ConstrainedBeamSearch.Hypothesis;
import dev.siit.model.ConstrainedBeamSearch.ScoredItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConstrainedBeamSearchTest {
    private static final int V = 14;
    private static final int EOS = 1;

    /** Identifiers over levels {3,4,5} x {6,7,8} x {9,10}: 12 of the 18, items 12 and 13 collide with 0 and 5. */
    private static int[][] identifiers() {
        List<int[]> all = new ArrayList<>();
        for (int a = 3; a <= 5; a++) {
            for (int b = 6; b <= 8; b++) {
                for (int c = 9; c <= 10; c++) {
                    all.add(new int[] {a, b, c});
                }
            }
        }
        int[][] ids = new int[14][];
        int[] pick = {0, 2, 3, 5, 6, 7, 9, 11, 12, 14, 16, 17};
        for (int i = 0; i < pick.length; i++) {
            ids[i] = all.get(pick[i]);
        }
        ids[12] = ids[0].clone();
        ids[13] = ids[5].clone();
        return ids;
    }

    private static final int[][] PROMPTS = {{2, 11, 12}, {13, 3}, {12}, {4, 4, 11, 13}};

    /**
     * The independent computation, by teacher forcing: log P(identifier | prompt), plus
     * log P(EOS | identifier) where EOS is a choice (the identifier is also a prefix of a longer
     * one); where the trie allows nothing but EOS it is not scored.
     */
    private static float trueScore(FakeSeq2SeqModel model, NDManager m, int[] prompt, int[] id, PrefixTrie trie) {
        int[] next = trie.allowedAfter(id);
        boolean scoreEos = !(next.length == 1 && next[0] == EOS);
        try (NDManager s = m.newSubManager()) {
            NDArray in = s.create(prompt, new Shape(1, prompt.length));
            NDArray mask = s.ones(new Shape(1, prompt.length), ai.djl.ndarray.types.DataType.INT32);
            int[] dec = new int[id.length + 1];
            dec[0] = model.decoderStartTokenId();
            System.arraycopy(id, 0, dec, 1, id.length);
            int[] target = Arrays.copyOf(id, id.length + 1);
            target[id.length] = EOS;
            float[] logp = model.decode(model.encode(in, mask, false), mask, s.create(dec, new Shape(1, dec.length)), false)
                    .logSoftmax(2).toFloatArray(); // (1, T, V)
            float sum = 0;
            for (int t = 0; t < (scoreEos ? target.length : id.length); t++) {
                sum += logp[t * V + target[t]];
            }
            return sum;
        }
    }

    /** Identifiers of one length (EOS always forced), and a trie where some are prefixes of others. */
    private static int[][][] tries() {
        int[][] mixed = {{3, 6}, {3, 6, 9}, {3, 7, 10}, {4}, {4, 7, 9}, {5, 8, 9}, {5, 8}};
        return new int[][][] {identifiers(), mixed};
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void withBeamAsLargeAsTheTrieItRanksEveryIdentifierExactly(int which) {
        int[][] ids = tries()[which];
        PrefixTrie trie = new PrefixTrie(ids, EOS);
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 7);
            ConstrainedBeamSearch search = new ConstrainedBeamSearch(model, trie, trie.numIdentifiers());
            List<List<Hypothesis>> result = search.search(m, PROMPTS);
            for (int p = 0; p < PROMPTS.length; p++) {
                // enumerate all distinct identifiers and sort by their teacher-forced log-probability
                List<int[]> distinct = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (int[] id : ids) {
                    if (seen.add(Arrays.toString(id))) {
                        distinct.add(id);
                    }
                }
                int pp = p;
                float[] truth = new float[distinct.size()];
                for (int i = 0; i < truth.length; i++) {
                    truth[i] = trueScore(model, m, PROMPTS[pp], distinct.get(i), trie);
                }
                Integer[] order = new Integer[truth.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (x, y) -> Float.compare(truth[y], truth[x]));
                List<Hypothesis> got = result.get(p);
                assertEquals(distinct.size(), got.size());
                for (int r = 0; r < order.length; r++) {
                    assertArrayEquals(distinct.get(order[r]), got.get(r).tokens(), "prompt " + p + " rank " + r);
                    assertEquals(truth[order[r]], got.get(r).score(), 1e-4);
                }
            }
        }
    }

    /** CONSTRAINED: every score is the teacher-forced log-softmax over the constraint's tokens only. */
    @Test
    void constrainedNormalisationScoresAreLogSoftmaxOverTheConstraintVocabulary() {
        int[][] ids = identifiers();
        PrefixTrie trie = new PrefixTrie(ids, EOS);
        int[] cols = trie.vocabulary();
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 13);
            List<List<Hypothesis>> got = new ConstrainedBeamSearch(model, trie, 4, 0, TokenNormalisation.CONSTRAINED)
                    .search(m, PROMPTS);
            for (int p = 0; p < PROMPTS.length; p++) {
                assertEquals(4, got.get(p).size());
                for (Hypothesis h : got.get(p)) {
                    int[] id = h.tokens();
                    NDArray in = m.create(PROMPTS[p], new Shape(1, PROMPTS[p].length));
                    NDArray mask = m.ones(new Shape(1, PROMPTS[p].length), ai.djl.ndarray.types.DataType.INT32);
                    int[] dec = new int[id.length];
                    dec[0] = model.decoderStartTokenId();
                    System.arraycopy(id, 0, dec, 1, id.length - 1);
                    float[] logits = model.decode(model.encode(in, mask, false), mask,
                            m.create(dec, new Shape(1, dec.length)), false).toFloatArray(); // (1, T, V)
                    double expected = 0;
                    for (int t = 0; t < id.length; t++) { // EOS is forced here, not scored
                        double norm = 0;
                        for (int c : cols) {
                            norm += Math.exp(logits[t * V + c]);
                        }
                        expected += logits[t * V + id[t]] - Math.log(norm);
                    }
                    assertEquals(expected, h.score(), 1e-4, "prompt " + p + " " + Arrays.toString(id));
                }
            }
        }
    }

    @Test
    void smallBeamsReturnOnlyTrieIdentifiersWithTheirTrueScoresAndEachItemOnce() {
        int[][] ids = identifiers();
        PrefixTrie trie = new PrefixTrie(ids, EOS);
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 11);
            // make token 13 (never in an identifier) and EOS at the first step very likely: the mask must win
            model.param("bias").set(new ai.djl.ndarray.index.NDIndex("13"), 50f);
            for (int beam : new int[] {1, 3, 5}) {
                ConstrainedBeamSearch search = new ConstrainedBeamSearch(model, trie, beam);
                List<List<Hypothesis>> result = search.search(m, PROMPTS);
                for (int p = 0; p < PROMPTS.length; p++) {
                    List<Hypothesis> got = result.get(p);
                    assertEquals(beam, got.size());
                    Set<String> distinct = new HashSet<>();
                    for (int r = 0; r < got.size(); r++) {
                        Hypothesis h = got.get(r);
                        assertTrue(trie.itemsOf(h.tokens()).length > 0, "not in trie: " + Arrays.toString(h.tokens()));
                        assertTrue(distinct.add(Arrays.toString(h.tokens())));
                        assertEquals(trueScore(model, m, PROMPTS[p], h.tokens(), trie), h.score(), 1e-4);
                        if (r > 0) {
                            assertTrue(got.get(r - 1).score() >= h.score());
                        }
                    }
                    List<ScoredItem> items = ConstrainedBeamSearch.rankItems(got, trie, 20, new SplittableRandom(1));
                    Set<Integer> itemSet = new HashSet<>();
                    for (ScoredItem it : items) {
                        assertTrue(itemSet.add(it.item()));
                        assertTrue(it.item() >= 0 && it.item() < ids.length);
                    }
                }
            }
        }
    }

    @Test
    void greedyFollowsTheBestAllowedTokenAtEveryStep() {
        int[][] ids = identifiers();
        PrefixTrie trie = new PrefixTrie(ids, EOS);
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 3);
            List<List<Hypothesis>> result = new ConstrainedBeamSearch(model, trie, 1).search(m, PROMPTS);
            for (int p = 0; p < PROMPTS.length; p++) {
                // walk by hand: at every prefix take the allowed token with the highest log-probability
                int[] prefix = new int[0];
                float total = 0;
                while (true) {
                    int[] allowed = trie.allowedAfter(prefix);
                    if (allowed.length == 1 && allowed[0] == EOS) {
                        break; // forced: not scored
                    }
                    int best = -1;
                    float bestScore = Float.NEGATIVE_INFINITY;
                    for (int t : allowed) {
                        int[] ext = Arrays.copyOf(prefix, prefix.length + 1);
                        ext[prefix.length] = t;
                        float sc = prefixScore(model, m, PROMPTS[p], ext);
                        if (sc > bestScore) {
                            bestScore = sc;
                            best = t;
                        }
                    }
                    total = bestScore;
                    if (best == EOS) {
                        break;
                    }
                    prefix = Arrays.copyOf(prefix, prefix.length + 1);
                    prefix[prefix.length - 1] = best;
                }
                assertArrayEquals(prefix, result.get(p).get(0).tokens());
                assertEquals(total, result.get(p).get(0).score(), 1e-4);
            }
        }
    }

    /** Sum of log-probabilities of the given generated tokens (no EOS appended). */
    private static float prefixScore(FakeSeq2SeqModel model, NDManager m, int[] prompt, int[] gen) {
        try (NDManager s = m.newSubManager()) {
            NDArray in = s.create(prompt, new Shape(1, prompt.length));
            NDArray mask = s.ones(new Shape(1, prompt.length), ai.djl.ndarray.types.DataType.INT32);
            int[] dec = new int[gen.length];
            dec[0] = model.decoderStartTokenId();
            System.arraycopy(gen, 0, dec, 1, gen.length - 1);
            float[] logp = model.decode(model.encode(in, mask, false), mask, s.create(dec, new Shape(1, dec.length)), false)
                    .logSoftmax(2).toFloatArray();
            float sum = 0;
            for (int t = 0; t < gen.length; t++) {
                sum += logp[t * V + gen[t]];
            }
            return sum;
        }
    }

    @Test
    void maskHoldsTheBeamScoreWhereAllowedAndMinusInfinityElsewhere() {
        PrefixTrie trie = new PrefixTrie(new int[][] {{5, 7}, {5, 8}, {6, 7}}, EOS);
        int[] vocab = trie.vocabulary(); // 1,5,6,7,8
        int[] columnOf = new int[V];
        Arrays.fill(columnOf, -1);
        for (int c = 0; c < vocab.length; c++) {
            columnOf[vocab[c]] = c;
        }
        int after5 = trie.advance(trie.start(), 5);
        int leaf = trie.advance(trie.advance(after5, 7), EOS);
        int[] state = {trie.start(), after5, -1, trie.advance(after5, 8), leaf};
        float[] score = {0f, -1.5f, -2f, -3f, -4f};
        float[] mask = floats(ConstrainedBeamSearch.scoreMask(trie, state, score, new boolean[5], columnOf, vocab.length));
        float n = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {
                n, 0f, 0f, n, n,            // root: 5, 6
                n, n, n, -1.5f, -1.5f,      // after 5: 7, 8
                n, n, n, n, n,              // dead beam
                -3f, n, n, n, n,            // after 5 8: EOS
                n, n, n, n, n,              // after EOS: nothing
        }, mask);
        boolean[] dead = {true, false, false, false, false};
        float[] masked = floats(ConstrainedBeamSearch.scoreMask(trie, state, score, dead, columnOf, vocab.length));
        for (int c = 0; c < vocab.length; c++) {
            assertEquals(n, masked[c]);
        }
    }

    private static float[] floats(java.nio.ByteBuffer b) {
        java.nio.FloatBuffer f = b.duplicate().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        float[] a = new float[f.remaining()];
        f.get(a);
        return a;
    }

    @Test
    void perLevelConstraintGeneratesOneTokenOfEachLevel() {
        // position 0: {3,4,5}, position 1: {6,7,8}, then EOS: identifiers need not exist anywhere
        int[][] levels = {{3, 4, 5}, {6, 7, 8}};
        DecodingConstraint perLevel = new DecodingConstraint() {
            @Override
            public int start() {
                return 0;
            }

            @Override
            public int[] allowed(int state) {
                return state < levels.length ? levels[state] : state == levels.length ? new int[] {EOS} : new int[0];
            }

            @Override
            public int advance(int state, int token) {
                return Arrays.binarySearch(allowed(state), token) >= 0 ? state + 1 : -1;
            }

            @Override
            public boolean complete(int state) {
                return state == levels.length + 1;
            }

            @Override
            public int maxLength() {
                return levels.length + 1;
            }

            @Override
            public int[] vocabulary() {
                return new int[] {1, 3, 4, 5, 6, 7, 8};
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 5);
            List<List<Hypothesis>> result = new ConstrainedBeamSearch(model, perLevel, 9).search(m, PROMPTS);
            for (List<Hypothesis> hs : result) {
                assertEquals(9, hs.size()); // all 3 x 3 sequences
                Set<String> distinct = new HashSet<>();
                for (Hypothesis h : hs) {
                    assertEquals(2, h.tokens().length);
                    assertTrue(h.tokens()[0] >= 3 && h.tokens()[0] <= 5);
                    assertTrue(h.tokens()[1] >= 6 && h.tokens()[1] <= 8);
                    assertTrue(distinct.add(Arrays.toString(h.tokens())));
                }
            }
        }
    }

    /**
     * PyTorch records autograd graphs by default on every thread but the one DJL loaded the
     * engine on: a search on another thread (the server's batching worker) must not record
     * (measured on the bench: +35-40% resident memory when it did), and must give back the
     * thread's mode as it found it.
     */
    @Test
    void searchOnAnotherThreadRecordsNoGraphAndRestoresTheThreadsGradMode() throws Exception {
        PrefixTrie trie = new PrefixTrie(identifiers(), EOS);
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel fake = new FakeSeq2SeqModel(m, V, 8, 11);
            List<Boolean> stepRecorded = new ArrayList<>();
            Seq2SeqModel watched = new Seq2SeqModel() {
                public Block block() {
                    return fake.block();
                }

                public int vocabSize() {
                    return fake.vocabSize();
                }

                public int decoderStartTokenId() {
                    return fake.decoderStartTokenId();
                }

                public int eosTokenId() {
                    return fake.eosTokenId();
                }

                public NDArray encode(NDArray inputIds, NDArray attentionMask, boolean training) {
                    return fake.encode(inputIds, attentionMask, training);
                }

                public NDArray decode(NDArray hidden, NDArray mask, NDArray decoderInputIds, boolean training) {
                    return fake.decode(hidden, mask, decoderInputIds, training);
                }

                public DecoderCache newCache(NDArray hidden, NDArray mask) {
                    return fake.newCache(hidden, mask);
                }

                public NDArray step(DecoderCache cache, NDArray tokens) {
                    stepRecorded.add(JniUtils.isGradMode()); // would this step record a graph
                    return fake.step(cache, tokens);
                }
            };
            List<List<Hypothesis>> here = new ConstrainedBeamSearch(fake, trie, 3).search(m, PROMPTS);
            AtomicReference<List<List<Hypothesis>>> there = new AtomicReference<>();
            AtomicReference<boolean[]> modes = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                boolean before = JniUtils.isGradMode();
                there.set(new ConstrainedBeamSearch(watched, trie, 3).search(m, PROMPTS));
                modes.set(new boolean[] {before, JniUtils.isGradMode()});
            });
            worker.start();
            worker.join();
            assertTrue(modes.get()[0], "a new thread starts with grad mode on (else this test tests nothing)");
            assertTrue(modes.get()[1], "the thread's grad mode is restored");
            assertTrue(!stepRecorded.isEmpty() && !stepRecorded.contains(true), "steps recorded a graph: " + stepRecorded);
            for (int p = 0; p < PROMPTS.length; p++) {
                for (int r = 0; r < here.get(p).size(); r++) {
                    assertArrayEquals(here.get(p).get(r).tokens(), there.get().get(p).get(r).tokens());
                    assertEquals(here.get(p).get(r).score(), there.get().get(p).get(r).score(), 0f);
                }
            }
        }
    }
}

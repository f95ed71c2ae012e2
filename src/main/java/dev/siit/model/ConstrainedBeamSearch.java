package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Beam search over a {@link Seq2SeqModel} whose every step is restricted by a
 * {@link DecodingConstraint} (a {@link PrefixTrie} of valid identifiers, or a per-level rule).
 *
 * <p>Per batch: the encoder runs once; the decoder cache is built for the B inputs and expanded
 * to B x beams rows by {@link Seq2SeqModel.DecoderCache#select} after the first step (which also
 * reorders beams at every later step). Per step: logits (N, V) -> log_softmax read at the U
 * columns of {@link DecodingConstraint#vocabulary()} ({@link ColumnLogSoftmax}) -> plus ONE
 * tensor (N, U) built in Java that holds every row's beam score where a token is allowed and -infinity elsewhere -> top-2K over
 * (beams x U) per input, moved to Java once. Scores are sums of the model's (unrenormalised)
 * token log-probabilities of the identifier: the paper's perplexity ranking. With
 * {@link TokenNormalisation#CONSTRAINED} the model computes only the U logits and the
 * log-softmax runs over them (an approximation, off by default).
 *
 * <p>EOS is scored only where it is a choice, i.e. after a complete identifier that is also the
 * prefix of a longer one (kept collisions, suffixed identifiers): there it decides between
 * stopping and going on. Where the constraint allows nothing but EOS the hypothesis is finished
 * without running the decoder again: for identifiers of one length that is one decoding step of
 * L + 1 saved, with its full-vocabulary LM head over all K beams (the most expensive step).
 *
 * <p>Candidates ending in EOS, or complete with EOS forced, become finished hypotheses; the
 * others continue (K of them). An
 * input is done once it has K finished hypotheses and no live beam can still beat the K-th
 * (log-probabilities only lower a sum), or when no live beam is left.
 */
public final class ConstrainedBeamSearch {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private final Seq2SeqModel model;
    private final DecodingConstraint constraint;
    private final int beamSize;
    private final int[] columns; // vocabulary ids scored, ascending
    private final int[] columnOf; // token id -> column, -1 when never allowed
    private final int padTokenId;
    private final TokenNormalisation normalisation;

    /** A finished sequence: generated tokens without EOS, its log-probability and final state. */
    public record Hypothesis(int[] tokens, float score, int state) {
    }

    /** One ranked recommendation. */
    public record ScoredItem(int item, float score) {
    }

    public ConstrainedBeamSearch(Seq2SeqModel model, DecodingConstraint constraint, int beamSize) {
        this(model, constraint, beamSize, 0);
    }

    /** @param padTokenId fills encoder inputs shorter than the longest of a batch (T5: 0) */
    public ConstrainedBeamSearch(Seq2SeqModel model, DecodingConstraint constraint, int beamSize, int padTokenId) {
        this(model, constraint, beamSize, padTokenId, TokenNormalisation.FULL);
    }

    /** @param normalisation whole vocabulary (the model's log-probabilities) or the constraint's tokens */
    public ConstrainedBeamSearch(Seq2SeqModel model, DecodingConstraint constraint, int beamSize, int padTokenId,
                                 TokenNormalisation normalisation) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
        }
        this.model = model;
        this.constraint = constraint;
        this.beamSize = beamSize;
        this.padTokenId = padTokenId;
        this.normalisation = normalisation;
        this.columns = constraint.vocabulary();
        this.columnOf = new int[model.vocabSize()];
        Arrays.fill(columnOf, -1);
        for (int c = 0; c < columns.length; c++) {
            if (columns[c] < 0 || columns[c] >= model.vocabSize()) {
                throw new IllegalArgumentException("constraint token " + columns[c] + " outside the vocabulary of "
                        + model.vocabSize());
            }
            columnOf[columns[c]] = c;
        }
    }

    public int beamSize() {
        return beamSize;
    }

    public TokenNormalisation normalisation() {
        return normalisation;
    }

    /**
     * Decodes one batch of prompts (token ids, EOS included if the model expects it; padded here
     * to the longest). Returns, per input, up to K finished hypotheses by decreasing score, each
     * distinct and allowed by the constraint.
     */
    public List<List<Hypothesis>> search(NDManager parent, int[][] prompts) {
        int b = prompts.length;
        int k = beamSize;
        int u = columns.length;
        int eos = model.eosTokenId();
        List<List<Hypothesis>> finished = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            finished.add(new ArrayList<>());
        }
        if (b == 0) {
            return finished;
        }
        try (NoGradScope noGrad = new NoGradScope(); NDManager m = parent.newSubManager()) {
            int s = 0;
            for (int[] p : prompts) {
                s = Math.max(s, p.length);
            }
            int[] ids = new int[b * s];
            int[] mask = new int[b * s];
            Arrays.fill(ids, padTokenId);
            for (int i = 0; i < b; i++) {
                System.arraycopy(prompts[i], 0, ids, i * s, prompts[i].length);
                Arrays.fill(mask, i * s, i * s + prompts[i].length, 1);
            }
            NDArray inputIds = m.create(ids, new Shape(b, s));
            NDArray attention = m.create(mask, new Shape(b, s));
            NDArray hidden = model.encode(inputIds, attention, false); // (B, S, d)
            NDArray columnIndex = m.create(columns);
            try (Seq2SeqModel.DecoderCache cache = model.newCache(hidden, attention)) {
                // Java-side beam state; at step 0 there is one row per input, then K.
                int rowsPer = 1;
                int[][] seq = new int[b][0];
                int[] state = new int[b];
                float[] score = new float[b];
                int[] last = new int[b];
                Arrays.fill(state, constraint.start());
                Arrays.fill(last, model.decoderStartTokenId());
                boolean[] done = new boolean[b];
                int maxLen = constraint.maxLength();
                for (int step = 0; step < maxLen; step++) {
                    int n = b * rowsPer;
                    int cand = Math.min(2 * k, rowsPer * u);
                    float[] values;
                    long[] indices;
                    try (NDManager sm = m.newSubManager()) {
                        NDArray logp = normalisation == TokenNormalisation.FULL
                                ? ColumnLogSoftmax.apply(model.step(cache, sm.create(last)), columnIndex, columns) // (N, U)
                                : model.step(cache, sm.create(last), columnIndex).logSoftmax(1); // (N, U)
                        boolean[] dead = new boolean[n];
                        for (int r = 0; r < n; r++) {
                            dead[r] = done[r / rowsPer];
                        }
                        NDArray bias = sm.create(new Shape(n, u), DataType.FLOAT32);
                        bias.set(scoreMask(constraint, state, score, dead, columnOf, u)); // copied
                        NDArray total = logp.add(bias).reshape(b, (long) rowsPer * u);
                        NDList top = total.topK(cand, 1, true, true);
                        values = top.get(0).toFloatArray();
                        indices = top.get(1).toType(DataType.INT64, false).toLongArray();
                    }
                    // choose next beams: K live rows per input
                    int[] rows = new int[b * k];
                    int[][] nSeq = new int[b * k][];
                    int[] nState = new int[b * k];
                    float[] nScore = new float[b * k];
                    int[] nLast = new int[b * k];
                    boolean any = false;
                    for (int i = 0; i < b; i++) {
                        int live = 0;
                        if (!done[i]) {
                            for (int c = 0; c < cand && live < k; c++) {
                                float v = values[i * cand + c];
                                if (v == NEG_INF || Float.isNaN(v)) {
                                    break;
                                }
                                long idx = indices[i * cand + c];
                                int row = i * rowsPer + (int) (idx / u);
                                int token = columns[(int) (idx % u)];
                                int next = constraint.advance(state[row], token);
                                if (next < 0) {
                                    throw new IllegalStateException("beam search chose disallowed token " + token);
                                }
                                if (token == eos) {
                                    finished.get(i).add(new Hypothesis(seq[row], v, next));
                                    continue;
                                }
                                if (onlyEos(constraint.allowed(next), eos)) {
                                    // complete, and the constraint allows nothing but EOS: no step needed
                                    finished.get(i).add(new Hypothesis(append(seq[row], token), v,
                                            constraint.advance(next, eos)));
                                    continue;
                                }
                                int slot = i * k + live++;
                                rows[slot] = row;
                                nSeq[slot] = append(seq[row], token);
                                nState[slot] = next;
                                nScore[slot] = v;
                                nLast[slot] = token;
                            }
                        }
                        for (int slot = i * k + live; slot < (i + 1) * k; slot++) {
                            rows[slot] = i * rowsPer; // dead beam: any row of this input
                            nSeq[slot] = new int[0];
                            nState[slot] = -1;
                            nScore[slot] = NEG_INF;
                            nLast[slot] = padTokenId;
                        }
                        done[i] = done[i] || isDone(finished.get(i), live == 0 ? NEG_INF : nScore[i * k], k);
                        any |= !done[i];
                    }
                    if (!any || step == maxLen - 1) {
                        break;
                    }
                    try (NDManager sm = m.newSubManager()) {
                        cache.select(sm.create(rows));
                    }
                    rowsPer = k;
                    seq = nSeq;
                    state = nState;
                    score = nScore;
                    last = nLast;
                }
            }
        }
        for (List<Hypothesis> f : finished) {
            f.sort((x, y) -> Float.compare(y.score(), x.score()));
            if (f.size() > k) {
                f.subList(k, f.size()).clear();
            }
        }
        return finished;
    }

    /**
     * The one tensor added to the (N, U) log-probabilities: row r holds score[r] where the
     * constraint allows a token in state[r] and -infinity elsewhere (all of a row when the beam
     * is dead: state < 0 or dead[r]). Written into this thread's reused direct buffer (valid until
     * its next call): a fresh (N, U) array per step (5 MB for 1,280 x 1,025) made the JVM and the
     * allocator touch new pages, each a page fault (docs/benchmarks.md).
     */
    static ByteBuffer scoreMask(DecodingConstraint constraint, int[] state, float[] score, boolean[] dead,
                                int[] columnOf, int u) {
        int n = state.length;
        ByteBuffer memory = maskBuffer(n * u);
        FloatBuffer bias = memory.asFloatBuffer();
        for (int i = 0; i < n * u; i++) {
            bias.put(i, NEG_INF);
        }
        for (int r = 0; r < n; r++) {
            if (state[r] < 0 || dead[r]) {
                continue;
            }
            for (int t : constraint.allowed(state[r])) {
                int c = t < columnOf.length ? columnOf[t] : -1;
                if (c >= 0) {
                    bias.put(r * u + c, score[r]);
                }
            }
        }
        return memory; // a ByteBuffer: NDArray.set copies a direct ByteBuffer as is, anything else via a new one
    }

    private static final ThreadLocal<ByteBuffer> MASK_MEMORY = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

    /** This thread's mask memory with room for {@code size} floats (native order, exactly that long). */
    private static ByteBuffer maskBuffer(int size) {
        ByteBuffer mem = MASK_MEMORY.get();
        if (mem.capacity() < 4L * size) {
            mem = ByteBuffer.allocateDirect(Math.max(4 * size, mem.capacity() * 3 / 2)).order(ByteOrder.nativeOrder());
            MASK_MEMORY.set(mem);
        }
        return mem.clear().limit(4 * size).slice().order(ByteOrder.nativeOrder());
    }

    /** Done when K are finished and the best live beam cannot beat the K-th finished one. */
    private static boolean isDone(List<Hypothesis> finished, float bestLive, int k) {
        if (bestLive == NEG_INF) {
            return true;
        }
        if (finished.size() < k) {
            return false;
        }
        float[] s = new float[finished.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = finished.get(i).score();
        }
        Arrays.sort(s);
        return bestLive <= s[s.length - k];
    }

    private static boolean onlyEos(int[] allowed, int eos) {
        return allowed.length == 1 && allowed[0] == eos;
    }

    private static int[] append(int[] a, int t) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = t;
        return r;
    }

    /**
     * Items of the hypotheses in rank order, each at most once, at most {@code k}. Items sharing
     * an identifier (kept collisions) enter together with the identifier's score, in an order
     * drawn from {@code rng}.
     */
    public static List<ScoredItem> rankItems(List<Hypothesis> hypotheses, PrefixTrie trie, int k, SplittableRandom rng) {
        List<ScoredItem> out = new ArrayList<>(k);
        Set<Integer> seen = new HashSet<>();
        for (Hypothesis h : hypotheses) {
            int[] items = trie.items(h.state());
            for (int j = items.length - 1; j > 0; j--) { // Fisher-Yates
                int r = rng.nextInt(j + 1);
                int t = items[j];
                items[j] = items[r];
                items[r] = t;
            }
            for (int item : items) {
                if (out.size() == k) {
                    return out;
                }
                if (seen.add(item)) {
                    out.add(new ScoredItem(item, h.score()));
                }
            }
        }
        return out;
    }
}

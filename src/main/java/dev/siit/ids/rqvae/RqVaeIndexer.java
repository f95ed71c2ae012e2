package dev.siit.ids.rqvae;

import ai.djl.Device;
import dev.siit.data.ItemText;
import dev.siit.ids.IndexFile;
import dev.siit.ids.IndexedItems;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.ItemIndexer;
import dev.siit.ids.LastLevelDistances;
import dev.siit.ids.TrainingItems;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TIGER and LETTER identifiers: item text (title + description, {@link ItemText#fullText()})
 * embedded with all-MiniLM-L6-v2, quantised by a trained {@link RqVae}; the code at level l
 * becomes token {@code <letter_l code>}. LETTER adds the collaborative regulariser (SASRec
 * embeddings from {@link RqVaeConfig#cfEmbeddings()}) and the diversity regulariser. Collisions
 * are left to {@link dev.siit.ids.CollisionResolver}; the last level's residuals are handed on
 * for LETTER's Sinkhorn re-assignment.
 *
 * <p>Only item text and, for LETTER, embeddings of a model trained on the training split reach
 * this indexer; no interaction is read here.
 */
public final class RqVaeIndexer implements ItemIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(RqVaeIndexer.class);

    private final String method;
    private final RqVaeConfig config;
    private final String device;
    private final boolean progress;
    private final Path textCache;
    private RqVaeTrainer.Result lastResult;

    /**
     * @param textCache where MiniLM text embeddings are cached ({@code .npy}); null = no cache
     */
    public RqVaeIndexer(String method, RqVaeConfig config, String device, boolean progress, Path textCache) {
        this.method = method;
        this.textCache = textCache;
        this.config = config;
        this.device = device;
        this.progress = progress;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        items.requireTitles(method.toUpperCase(Locale.ROOT));
        float[][] cf = null;
        if (config.alpha() > 0) {
            if (config.cfEmbeddings() == null) {
                throw new InputException(method.toUpperCase(Locale.ROOT) + " with alpha > 0 needs collaborative item "
                        + "embeddings: pass --cf-embeddings FILE (SASRec item-embeddings.npy) or set alpha to 0 in the config");
            }
            cf = CollaborativeEmbeddings.read(Path.of(config.cfEmbeddings()), items.itemIds());
        }
        return fromEmbeddings(textEmbeddings(items), cf, seed);
    }

    /**
     * MiniLM embeddings of every item's text, read from {@code textCache} when it exists (a
     * {@code .npy} with its {@code .items.json}, written by an earlier run on the same items),
     * otherwise computed and, when textCache is set, written there.
     */
    private float[][] textEmbeddings(TrainingItems items) {
        if (textCache != null && java.nio.file.Files.exists(textCache)) {
            LOG.info("reading cached text embeddings from {}", textCache);
            return CollaborativeEmbeddings.read(textCache, items.itemIds());
        }
        List<String> texts = new ArrayList<>(items.numItems());
        for (ItemText t : items.itemTexts()) {
            texts.add(t.fullText());
        }
        long t0 = System.nanoTime();
        float[][] x = TextEmbedder.embed(texts, progress);
        LOG.info("embedded {} item texts with all-MiniLM-L6-v2 in {} s", texts.size(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        if (textCache != null) {
            EmbeddingTable.write(textCache, items.itemIds(), x);
        }
        return x;
    }

    /** Trains on precomputed embeddings x (n, in) and optional cf (n, cfDim). */
    public IndexedItems fromEmbeddings(float[][] x, float[][] cf, long seed) {
        long t0 = System.nanoTime();
        RqVaeTrainer.Result r = RqVaeTrainer.train(x, cf, config, Device.fromName(device), seed, progress);
        lastResult = r;
        LOG.info("trained the RQ-VAE ({} epochs) in {} s", config.epochs(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        List<List<String>> tokens = new ArrayList<>(x.length);
        for (int[] codes : r.codes()) {
            List<String> t = new ArrayList<>(codes.length);
            for (int l = 0; l < codes.length; l++) {
                t.add(IndexFile.token(l, codes[l]));
            }
            tokens.add(t);
        }
        int lastLevel = config.levels() - 1;
        LastLevelDistances last = new LastLevelDistances() {
            @Override
            public int level() {
                return lastLevel;
            }

            @Override
            public double[][] distances(int[] items) {
                double[][] d = new double[items.length][r.lastCodebook().length];
                for (int k = 0; k < items.length; k++) {
                    float[] res = r.lastResiduals()[items[k]];
                    for (int c = 0; c < d[k].length; c++) {
                        float[] e = r.lastCodebook()[c];
                        double s = 0;
                        for (int j = 0; j < e.length; j++) {
                            double t = res[j] - e[j];
                            s += t * t;
                        }
                        d[k][c] = s;
                    }
                }
                return d;
            }
        };
        return new IndexedItems(new ItemIdentifiers(tokens), last);
    }

    /** The training result of the last call (history, best epoch), for reports and tests. */
    public RqVaeTrainer.Result lastResult() {
        return lastResult;
    }
}

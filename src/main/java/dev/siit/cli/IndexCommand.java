package dev.siit.cli;

import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.CollisionResolution;
import dev.siit.ids.CollisionResolver;
import dev.siit.ids.IdentifierStats;
import dev.siit.ids.ImportedIndexer;
import dev.siit.ids.IndependentIndexer;
import dev.siit.ids.IndexFile;
import dev.siit.ids.IndexReport;
import dev.siit.ids.IndexedItems;
import dev.siit.ids.IndexerConfigFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.ItemIndexer;
import dev.siit.ids.SequentialIndexer;
import dev.siit.ids.TitleIndexer;
import dev.siit.ids.TrainingItems;
import dev.siit.ids.cid.CidConfig;
import dev.siit.ids.cid.CollaborativeIndexer;
import dev.siit.ids.rqvae.RqVaeConfig;
import dev.siit.ids.rqvae.RqVaeIndexer;
import dev.siit.io.InputException;
import dev.siit.run.Provenance;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code siit index --method M --data SOURCE --out FILE}: builds item identifiers from the
 * training part of a dataset and writes {@code FILE} (LETTER {@code .index.json}) plus
 * {@code index-stats.json} beside it. {@code siit index stats FILE --data SOURCE} prints the
 * statistics of an existing identifier file.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build item identifiers (SID, IID, TID, CID, TIGER, LETTER, import) from training data.",
        subcommands = {IndexCommand.Stats.class, IndexCommand.CidScaling.class, IndexCommand.SpectralEmbeddings.class})
public final class IndexCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexCommand.class);

    @Option(names = "--method", description = "sid, iid, tid, cid, tiger, letter or import")
    String method;

    @Option(names = "--data", description = "dataset source (MovieLens folder, LETTER folder/inter.json, CSV)")
    Path data;

    @Option(names = "--format", description = "movielens, letter or csv (detected when omitted)")
    String format;

    @Option(names = "--kcore", defaultValue = "5", description = "k-core filter (default ${DEFAULT-VALUE})")
    int kcore;

    @Option(names = "--out", description = "the .index.json to write")
    Path out;

    @Option(names = "--stats-out", description = "statistics file (default: index-stats.json beside --out)")
    Path statsOut;

    @Option(names = "--config", description = "indexer configuration (JSON or YAML) overriding the method's defaults")
    Path config;

    @Option(names = "--collisions", defaultValue = "suffix", description = "suffix, sinkhorn or none (default ${DEFAULT-VALUE})")
    String collisions;

    @Option(names = "--seed", defaultValue = "42", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--from", description = "import: the .index.json to import")
    Path from;

    @Option(names = "--titles", description = "import: the file holds title identifiers (TID)")
    boolean titles;

    @Option(names = "--cf-embeddings", description = "letter: SASRec item embeddings (.npy with a sibling "
            + ".items.json, or JSON); overrides the config's cfEmbeddings")
    Path cfEmbeddings;

    @Option(names = "--text-embeddings", description = "tiger/letter: cache of the MiniLM item text embeddings "
            + "(.npy + .items.json): read when it exists, written otherwise")
    Path textEmbeddings;

    @Option(names = "--device", defaultValue = "cpu", description = "tiger/letter: DJL device (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--placeholder-titles", description = "tid/tiger/letter: items without a title (at most 5%%) "
            + "get the title \"item <id>\" instead of a refusal; the count is recorded in index-stats.json")
    boolean placeholderTitles;

    // --quiet is the root command's inherited option (a second one here made picocli refuse to start)

    @Override
    public Integer call() {
        if (method == null || data == null || out == null) {
            throw new InputException("siit index needs --method, --data and --out (or the stats subcommand); see --help");
        }
        CollisionResolution mode = CollisionResolution.parse(collisions);
        InteractionDataset dataset = DatasetLoader.load(data, parseFormat(format), kcore);
        String m = method.toLowerCase(Locale.ROOT);
        TrainingItems items = TrainingItems.of(dataset);
        int placeholders = 0;
        if (Set.of("tid", "tiger", "letter").contains(m)) { // refuse before any work is done
            if (placeholderTitles) {
                placeholders = items.itemsWithoutTitle();
                items = items.withPlaceholderTitles(m.toUpperCase(Locale.ROOT));
            } else {
                items.requireTitles(m.toUpperCase(Locale.ROOT));
            }
        }
        Object cfg;
        ItemIndexer indexer;
        switch (m) {
            case "sid" -> {
                SidSettings s = IndexerConfigFile.load(config, new SidSettings(SequentialIndexer.DEFAULT_START), SidSettings.class);
                cfg = s;
                indexer = new SequentialIndexer(s.start());
            }
            case "iid" -> {
                cfg = Map.of();
                indexer = new IndependentIndexer();
            }
            case "tid" -> {
                cfg = Map.of();
                indexer = new TitleIndexer();
            }
            case "cid" -> {
                CidConfig c = IndexerConfigFile.load(config, CidConfig.DEFAULT, CidConfig.class);
                cfg = c;
                indexer = new CollaborativeIndexer(c);
            }
            case "tiger", "letter" -> {
                RqVaeConfig c = IndexerConfigFile.load(config, m.equals("tiger") ? RqVaeConfig.TIGER : RqVaeConfig.LETTER,
                        RqVaeConfig.class);
                if (cfEmbeddings != null) {
                    c = c.withCfEmbeddings(cfEmbeddings.toString());
                }
                cfg = c;
                indexer = new RqVaeIndexer(m, c, device, !dev.siit.io.Progress.isQuiet(), textEmbeddings);
            }
            case "import" -> {
                if (from == null) {
                    throw new InputException("--method import needs --from FILE (the .index.json to import)");
                }
                cfg = Map.of("from", from.toString(), "titles", titles);
                indexer = new ImportedIndexer(from, titles ? IndexFile.TokenKind.TITLE : IndexFile.TokenKind.CODES);
            }
            default -> throw new InputException("--method must be sid, iid, tid, cid, tiger, letter or import, got \""
                    + method + "\"");
        }
        Map<String, Object> cfgMap = IndexerConfigFile.asMap(cfg);
        // captured before the work: the checkout (commit, dirty flag) may change during a long run
        Provenance provenance = Provenance.capture(IndexReport.configHash(m, mode.cliName(), cfgMap),
                dataset.fingerprint(), seed);
        long t0 = System.nanoTime();
        IndexedItems raw = indexer.index(items, seed);
        ItemIdentifiers ids = CollisionResolver.resolve(raw, mode, m);
        double seconds = (System.nanoTime() - t0) / 1e9;
        IdentifierStats stats = IdentifierStats.of(ids);
        IndexReport report = new IndexReport(IndexReport.FORMAT, m, mode.cliName(), seed,
                cfgMap, dataset.name(), dataset.fingerprint(), out.toString(), placeholders, seconds,
                stats, IdentifierStats.of(raw.ids()), trainingSummary(indexer), provenance);
        IndexFile.write(out, dataset, ids);
        Path statsFile = statsOut != null ? statsOut : out.toAbsolutePath().resolveSibling("index-stats.json");
        report.write(statsFile);
        LOG.info("{} on {}: {} in {} s", m, dataset.name(), stats.summary(), String.format(Locale.ROOT, "%.2f", seconds));
        System.out.println("wrote " + out + " and " + statsFile + ": " + stats.summary()
                + String.format(Locale.ROOT, " (%.2f s)", seconds));
        return SiitCli.EXIT_OK;
    }

    private static Map<String, Object> trainingSummary(ItemIndexer indexer) {
        if (indexer instanceof RqVaeIndexer rq && rq.lastResult() != null) {
            var r = rq.lastResult();
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("bestEpoch", r.bestEpoch());
            m.put("bestCollisionRate", r.collisionRate());
            m.put("reconstructionMse", r.reconstruction());
            m.put("history", r.history());
            return m;
        }
        return null;
    }

    static DatasetFormat parseFormat(String f) {
        if (f == null) {
            return null;
        }
        try {
            return DatasetFormat.valueOf(f.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("--format must be movielens, letter or csv, got \"" + f + "\"");
        }
    }

    /** SID configuration: the first number handed out (Hua et al. start at 1001). */
    public record SidSettings(int start) {
    }

    /**
     * {@code siit index cid-scaling --items 10000,50000}: times CID on synthetic co-occurrence data
     * (items in communities of 200, users buying 10 items of one community with 10% noise,
     * 2 users per item) to show how far the spectral clustering scales.
     */
    @Command(name = "cid-scaling", mixinStandardHelpOptions = true,
            description = "Time CID (co-occurrence graph + recursive spectral clustering) on synthetic data.")
    static final class CidScaling implements Callable<Integer> {
        @Option(names = "--items", split = ",", defaultValue = "2000,10000,50000", description = "catalogue sizes")
        int[] sizes;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Override
        public Integer call() {
            System.out.println("items\tusers\tnnz\tgraph_s\ttop_eigen20_s\tcid_total_s\tlevels\tcodes_used");
            for (int n : sizes) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                int users = 2 * n;
                int communities = Math.max(1, n / 200);
                int[][] seqs = new int[users][10];
                for (int u = 0; u < users; u++) {
                    int c = r.nextInt(communities);
                    for (int t = 0; t < 10; t++) {
                        seqs[u][t] = r.nextDouble() < 0.1 ? r.nextInt(n) : Math.min(n - 1, c * 200 + r.nextInt(200));
                    }
                }
                long t0 = System.nanoTime();
                dev.siit.ids.cid.CooccurrenceGraph g = dev.siit.ids.cid.CooccurrenceGraph.fromSequences(n, seqs, 0);
                long t1 = System.nanoTime();
                dev.siit.ids.cid.SpectralEmbedding.leadingEigenvectors(g, CidConfig.DEFAULT.clusters(),
                        new java.util.SplittableRandom(seed));
                long t2 = System.nanoTime();
                ItemIdentifiers ids = new CollaborativeIndexer(CidConfig.DEFAULT).cluster(g, new java.util.SplittableRandom(seed));
                long t3 = System.nanoTime();
                IdentifierStats st = IdentifierStats.of(ids);
                System.out.printf(Locale.ROOT, "%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%s%n", n, users, g.nnz(),
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, st.levels(), st.codesUsed());
            }
            return SiitCli.EXIT_OK;
        }
    }

    /**
     * {@code siit index spectral-embeddings --data SOURCE --out FILE.npy}: collaborative item
     * embeddings from the TRAINING co-occurrence graph (the leading eigenvectors of its normalised
     * affinity, rows scaled to unit length), written as {@code .npy} + {@code .items.json}. A
     * stand-in for SASRec embeddings in LETTER's collaborative regulariser when none are at hand.
     */
    @Command(name = "spectral-embeddings", mixinStandardHelpOptions = true,
            description = "Write spectral item embeddings of the training co-occurrence graph (.npy + .items.json).")
    static final class SpectralEmbeddings implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "dataset source")
        Path data;

        @Option(names = "--format", description = "movielens, letter or csv (detected when omitted)")
        String format;

        @Option(names = "--kcore", defaultValue = "5")
        int kcore;

        @Option(names = "--out", required = true, description = "the .npy to write")
        Path out;

        @Option(names = "--dim", defaultValue = "32", description = "eigenvectors (default ${DEFAULT-VALUE})")
        int dim;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Override
        public Integer call() {
            if (!out.getFileName().toString().endsWith(".npy")) {
                throw new InputException("--out must name a .npy file, got " + out);
            }
            InteractionDataset dataset = DatasetLoader.load(data, parseFormat(format), kcore);
            TrainingItems items = TrainingItems.of(dataset);
            long t0 = System.nanoTime();
            dev.siit.ids.cid.CooccurrenceGraph g = dev.siit.ids.cid.CooccurrenceGraph.fromSequences(items.numItems(),
                    items.train(), 0);
            double[][] rows = dev.siit.ids.cid.SpectralEmbedding.leadingEigenvectors(g, dim, new java.util.SplittableRandom(seed));
            float[][] emb = new float[rows.length][dim];
            for (int i = 0; i < rows.length; i++) {
                double norm = 0;
                for (double v : rows[i]) {
                    norm += v * v;
                }
                norm = norm > 0 ? Math.sqrt(norm) : 1;
                for (int d = 0; d < dim; d++) {
                    emb[i][d] = (float) (rows[i][d] / norm);
                }
            }
            dev.siit.ids.rqvae.EmbeddingTable.write(out, dataset.itemIds(), emb);
            System.out.printf(Locale.ROOT, "wrote %s (%d x %d) in %.2f s%n", out, emb.length, dim, (System.nanoTime() - t0) / 1e9);
            return SiitCli.EXIT_OK;
        }
    }

    /** {@code siit index stats FILE --data SOURCE}: statistics of an identifier file as JSON. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Print the statistics of an .index.json (levels, codes used, entropy, collisions).")
    static final class Stats implements Callable<Integer> {
        @Parameters(index = "0", description = "the .index.json")
        Path file;

        @Option(names = "--data", required = true, description = "the dataset the identifiers are for")
        Path data;

        @Option(names = "--format", description = "movielens, letter or csv (detected when omitted)")
        String format;

        @Option(names = "--kcore", defaultValue = "5", description = "k-core filter (default ${DEFAULT-VALUE})")
        int kcore;

        @Option(names = "--titles", description = "the file holds title identifiers (TID)")
        boolean titles;

        @Option(names = "--out", description = "also write the statistics to this file")
        Path out;

        @Override
        public Integer call() {
            InteractionDataset dataset = DatasetLoader.load(data, parseFormat(format), kcore);
            ItemIdentifiers ids = IndexFile.read(file, dataset, titles ? IndexFile.TokenKind.TITLE : IndexFile.TokenKind.CODES);
            String json = IndexReport.statsJson(IdentifierStats.of(ids));
            if (out != null) {
                dev.siit.io.AtomicFiles.writeString(out, json);
            }
            System.out.print(json);
            return SiitCli.EXIT_OK;
        }
    }
}

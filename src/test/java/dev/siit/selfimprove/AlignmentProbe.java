package dev.siit.selfimprove;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.PromptTemplates;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import dev.siit.train.Checkpoints;
import dev.siit.train.ExampleSource;
import dev.siit.train.ParameterFile;
import dev.siit.train.Seq2SeqBatch;
import dev.siit.train.Seq2SeqExample;
import dev.siit.train.TrainConfig;
import dev.siit.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Diagnosis of the alignment stage (not a test; numbers in docs/results.md): trains the
 * Item-to-Identifier task (or both tasks) of MovieLens-100K alone and prints, per epoch, the loss,
 * the greedy self-recall under the per-level constraint, the teacher-forced exact match of the
 * identifier (every identifier position's argmax is the label) and the process CPU seconds. It
 * first dumps a few training examples as token ids and tokens.
 *
 * <pre>java -Dai.djl.offline=true -cp 'target/classes:target/test-classes:target/lib/*' \
 *     dev.siit.selfimprove.AlignmentProbe run=RUN_DIR tasks=i2id lr=0.003 epochs=30 batch=32 dropout=0 init=m0</pre>
 *
 * {@code RUN_DIR} is a finished SIIT run directory (its {@code index-iter0.json},
 * {@code item-tokens-iter0.txt} and, for {@code init=m0}, {@code stages/rec-iter0/final.bin}).
 * Options: {@code tasks} i2id | both; {@code init} m0 | scratch; {@code model} small | tiny |
 * wide (d 128, 2+2); {@code schedule} constant | cosine; {@code dropout}; {@code lr}; {@code batch};
 * {@code epochs}; {@code eval_every}; {@code seed}; {@code dataset}; {@code tokenizer}.
 */
public final class AlignmentProbe {
    private AlignmentProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("tasks", "i2id", "lr", "0.003", "epochs", "30", "batch", "32",
                "dropout", "0", "init", "m0", "schedule", "constant", "model", "small", "eval_every", "1", "seed", "1"));
        // the shared data folder: the property surefire sets, else ../shared/data beside the project
        String shared = System.getProperty("siit.shared.data", "../shared/data");
        o.put("dataset", Path.of(shared, "ml-100k").toString());
        o.put("tokenizer", Path.of(shared, "t5-tokenizer").toString());
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        System.out.println("options " + o);
        Path run = Path.of(o.get("run"));
        InteractionDataset data = DatasetLoader.load(Path.of(o.get("dataset")), DatasetFormat.MOVIELENS, 5);
        ItemIdentifiers ids = IndexFile.read(run.resolve("index-iter0.json"), data);
        List<String> tokens = Files.readAllLines(run.resolve("item-tokens-iter0.txt")).stream()
                .filter(s -> !s.isBlank()).toList();
        PromptTemplates templates = PromptTemplates.forDataset(DatasetFormat.MOVIELENS);
        List<AlignmentTasks.Example> all = AlignmentTasks.of(templates).build(data, ids);
        List<AlignmentTasks.Example> tasks = new ArrayList<>();
        for (AlignmentTasks.Example e : all) {
            if (o.get("tasks").equals("both") || e.task() == AlignmentTasks.Task.ITEM_TO_IDENTIFIER) {
                tasks.add(e);
            }
        }
        try (ItemTokenizer tokenizer = ItemTokenizer.load(Path.of(o.get("tokenizer")), tokens);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            AlignmentSource source = new AlignmentSource(tasks, tokenizer);
            List<Seq2SeqExample> examples = source.examples(1, new SplittableRandom(0));
            int maxIn = 0;
            for (int k = 0; k < examples.size(); k++) {
                maxIn = Math.max(maxIn, examples.get(k).inputIds().length);
                if (k < 4 || (k < 40 && k % 13 == 0)) {
                    dump(tasks.get(k), examples.get(k), tokenizer);
                }
            }
            System.out.printf(Locale.ROOT, "%d examples, longest prompt %d tokens, vocab %d (%d item tokens)%n",
                    examples.size(), maxIn, tokenizer.vocabSize(), tokenizer.itemTokens().size());

            // compact=1: a vocabulary of only the ids the examples use (pad, EOS, every code token
            // first), so the embedding, LM head and optimiser cost ~4k rows instead of 32k: a proxy
            // of the same memorisation problem at a fraction of the CPU, trained from scratch
            boolean compact = o.getOrDefault("compact", "0").equals("1");
            int[] remap = null;
            int vocab = tokenizer.vocabSize();
            if (compact) {
                remap = new int[tokenizer.vocabSize()];
                java.util.Arrays.fill(remap, -1);
                int next = 0;
                for (int id : new int[] {tokenizer.padId(), tokenizer.eosId()}) {
                    remap[id] = next++;
                }
                for (String t : tokens) {
                    remap[tokenizer.itemId(t)] = next++;
                }
                for (Seq2SeqExample e : examples) {
                    for (int[] a : new int[][] {e.inputIds(), e.targetIds()}) {
                        for (int id : a) {
                            if (remap[id] < 0) {
                                remap[id] = next++;
                            }
                        }
                    }
                }
                vocab = next;
                List<Seq2SeqExample> mapped = new ArrayList<>();
                for (Seq2SeqExample e : examples) {
                    mapped.add(new Seq2SeqExample(map(e.inputIds(), remap), map(e.targetIds(), remap)));
                }
                examples = mapped;
                // prompt=id: each item's prompt is ONE fresh token (pure memorisation, no text);
                // prompt=title: the title without the 8 template tokens before it
                String prompt = o.getOrDefault("prompt", "template");
                if (!prompt.equals("template")) {
                    if (!o.get("tasks").equals("i2id")) {
                        throw new IllegalArgumentException("prompt=" + prompt + " needs tasks=i2id");
                    }
                    List<Seq2SeqExample> changed = new ArrayList<>();
                    for (Seq2SeqExample e : examples) {
                        int[] in = e.inputIds();
                        changed.add(new Seq2SeqExample(prompt.equals("id") ? new int[] {vocab + changed.size(), remap[tokenizer.eosId()]}
                                : java.util.Arrays.copyOfRange(in, 8, in.length), e.targetIds()));
                    }
                    if (prompt.equals("id")) {
                        vocab += changed.size();
                    }
                    examples = changed;
                }
                System.out.println("compact vocabulary: " + vocab + " ids");
            }
            List<Seq2SeqExample> trainExamples = examples;
            ExampleSource trainSource = new ExampleSource() {
                @Override
                public List<Seq2SeqExample> examples(int epoch, SplittableRandom rng) {
                    return trainExamples;
                }

                @Override
                public int size() {
                    return trainExamples.size();
                }
            };
            double dropout = Double.parseDouble(o.get("dropout"));
            T5Config cfg = switch (o.get("model")) {
                case "small" -> new T5Config(vocab, 64, 16, 256, 2, 2, 4, 32, 128, dropout, 1e-6,
                        T5Config.RELU, true, 1.0, 0, 1, 0);
                case "wide" -> new T5Config(vocab, 128, 32, 512, 2, 2, 4, 32, 128, dropout, 1e-6,
                        T5Config.RELU, true, 1.0, 0, 1, 0);
                default -> throw new IllegalArgumentException("model " + o.get("model"));
            };
            long seed = Long.parseLong(o.get("seed"));
            try (T5Model model = T5Model.create(cfg, seed, Device.cpu())) {
                if (o.get("init").equals("m0") && !compact) {
                    new ParameterFile().load(model, run.resolve("stages/rec-iter0/final.bin"));
                }
                // emb_scale: multiplies the shared (input and tied output) embedding, to test whether
                // its N(0, 1) initialisation makes title-token rows too slow to move under AdamW
                float embScale = Float.parseFloat(o.getOrDefault("emb_scale", "1"));
                if (embScale != 1f) {
                    model.parametersByName().get("shared.weight").getArray().muli(embScale);
                }
                if (o.getOrDefault("embedding_report", "0").equals("1")) {
                    embeddingReport(model, examples, tokenizer.eosId(), compact ? remap : null);
                }
                int[] titled = AlignmentTasks.itemsWithTitle(data);
                AlignmentTasks at = AlignmentTasks.of(templates);
                List<String> prompts = new ArrayList<>();
                List<List<String>> current = new ArrayList<>();
                List<Seq2SeqExample> i2id = new ArrayList<>();
                for (int item : titled) {
                    prompts.add(at.itemToIdentifierPrompt(data.itemTexts().get(item).title()));
                    current.add(ids.of(item));
                }
                List<int[]> pIds = tokenizer.encodeBatch(prompts);
                for (int k = 0; k < titled.length; k++) {
                    int[] target = new int[current.get(k).size() + 1];
                    for (int j = 0; j < current.get(k).size(); j++) {
                        target[j] = tokenizer.itemId(current.get(k).get(j));
                    }
                    target[target.length - 1] = tokenizer.eosId();
                    i2id.add(compact ? new Seq2SeqExample(map(pIds.get(k), remap), map(target, remap))
                            : new Seq2SeqExample(pIds.get(k), target));
                }
                if (!o.getOrDefault("prompt", "template").equals("template")) {
                    i2id = examples; // the i2id examples, in item order, with the changed prompts
                }
                List<Seq2SeqExample> evalExamples = i2id;
                int[] r = remap;
                PerLevelConstraint constraint = PerLevelConstraint.forReference(ids.tokens(), tokens,
                        t -> compact ? r[tokenizer.itemId(t)] : tokenizer.itemId(t), compact ? r[tokenizer.eosId()] : tokenizer.eosId());
                dev.siit.model.ConstrainedBeamSearch greedy = new dev.siit.model.ConstrainedBeamSearch(model, constraint, 1, 0);
                int epochs = Integer.parseInt(o.get("epochs"));
                int batch = Integer.parseInt(o.get("batch"));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("learning_rate", Double.parseDouble(o.get("lr")));
                m.put("batch_size", batch);
                m.put("epochs", epochs);
                m.put("warmup_steps", o.get("schedule").equals("constant") ? 0
                        : (int) Math.min(500, (long) (examples.size() + batch - 1) / batch * epochs / 10));
                m.put("schedule", o.get("schedule"));
                m.put("min_lr_ratio", 0.1);
                m.put("eval_every", Integer.parseInt(o.get("eval_every")));
                m.put("patience", 0);
                m.put("seed", seed);
                TrainConfig tc = TrainConfig.defaults().with(m);
                long cpu0 = cpuNanos();
                long wall0 = System.nanoTime();
                Path ck = Files.createTempDirectory("probe");
                int[] epoch = {0};
                try (Trainer trainer = new Trainer(model, tc, manager, tokenizer.padId()).progress(false)) {
                    trainer.selectOn("self_recall");
                    int every = Integer.parseInt(o.get("eval_every"));
                    trainer.fit(trainSource, mgr -> {
                        epoch[0] = Math.min(epochs, epoch[0] + every); // the trainer validates every N epochs and after the last
                        long c = cpuNanos();
                        double sr = greedySelfRecall(greedy, mgr, evalExamples);
                        double tf = teacherForcedExact(model, mgr, evalExamples, tokenizer.padId());
                        System.out.printf(Locale.ROOT, "epoch %3d  self-recall %.4f  tf-exact %.4f  cpu %.0f s "
                                        + "(eval %.0f s)  wall %.0f s%n", epoch[0], sr, tf, (c - cpu0) / 1e9,
                                (cpuNanos() - c) / 1e9, (System.nanoTime() - wall0) / 1e9);
                        return Map.of("self_recall", sr, "tf_exact", tf);
                    }, new Checkpoints(ck, new ParameterFile()), false);
                }
            }
        }
    }

    /**
     * Mean norm and mean pairwise cosine of the input-embedding rows of the tokens that occur in
     * the prompts' titles (prompt positions 8 .. end-2: after the template, before ':' and EOS):
     * how distinguishable the titles' tokens are to the encoder before alignment starts.
     */
    static void embeddingReport(T5Model model, List<Seq2SeqExample> examples, int eos, int[] remap) {
        float[] e = model.parametersByName().get("shared.weight").getArray().toFloatArray();
        int d = model.config().dModel();
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (Seq2SeqExample x : examples) {
            int[] in = x.inputIds();
            if (in[in.length - 1] == (remap == null ? eos : remap[eos]) && in.length > 10) {
                for (int i = 8; i < in.length - 2; i++) {
                    ids.add(in[i]);
                }
            }
        }
        int[] t = ids.stream().mapToInt(Integer::intValue).toArray();
        double[][] u = new double[t.length][d];
        double normSum = 0;
        double[] mean = new double[d];
        for (int k = 0; k < t.length; k++) {
            double n = 0;
            for (int j = 0; j < d; j++) {
                n += e[t[k] * d + j] * (double) e[t[k] * d + j];
            }
            n = Math.sqrt(n);
            normSum += n;
            for (int j = 0; j < d; j++) {
                u[k][j] = e[t[k] * d + j] / n;
                mean[j] += u[k][j] / t.length;
            }
        }
        // mean over pairs i != j of cos = (|sum u|^2 - n) / (n (n - 1))
        double s2 = 0;
        for (int j = 0; j < d; j++) {
            s2 += (mean[j] * t.length) * (mean[j] * t.length);
        }
        double cos = (s2 - t.length) / ((double) t.length * (t.length - 1));
        System.out.printf(Locale.ROOT, "title-token embeddings: %d tokens, mean norm %.3f, mean pairwise cosine %.4f%n",
                t.length, normSum / t.length, cos);
    }

    /** Share of examples whose greedy constrained decoding is their target (without EOS). */
    static double greedySelfRecall(dev.siit.model.ConstrainedBeamSearch greedy, NDManager m, List<Seq2SeqExample> ex) {
        int hits = 0;
        for (int s = 0; s < ex.size(); s += 64) {
            List<Seq2SeqExample> b = ex.subList(s, Math.min(ex.size(), s + 64));
            int[][] prompts = new int[b.size()][];
            for (int i = 0; i < b.size(); i++) {
                prompts[i] = b.get(i).inputIds();
            }
            List<List<dev.siit.model.ConstrainedBeamSearch.Hypothesis>> hyps = greedy.search(m, prompts);
            for (int i = 0; i < b.size(); i++) {
                int[] t = b.get(i).targetIds();
                int[] want = java.util.Arrays.copyOf(t, t.length - 1);
                if (!hyps.get(i).isEmpty() && java.util.Arrays.equals(strip(hyps.get(i).get(0).tokens(), t[t.length - 1]), want)) {
                    hits++;
                }
            }
        }
        return hits / (double) ex.size();
    }

    private static int[] strip(int[] tokens, int eos) {
        return tokens.length > 0 && tokens[tokens.length - 1] == eos ? java.util.Arrays.copyOf(tokens, tokens.length - 1) : tokens;
    }

    private static int[] map(int[] ids, int[] remap) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = remap[ids[i]];
        }
        return out;
    }

    /** Share of examples whose every target position's argmax (teacher forcing, eval mode) is the label. */
    static double teacherForcedExact(T5Model model, NDManager parent, List<Seq2SeqExample> examples, int pad) {
        int hits = 0;
        for (int s = 0; s < examples.size(); s += 128) {
            List<Seq2SeqExample> b = examples.subList(s, Math.min(examples.size(), s + 128));
            Seq2SeqBatch batch = Seq2SeqBatch.of(b, pad, model.decoderStartTokenId());
            try (NDManager sm = parent.newSubManager()) {
                NDArray hidden = model.encode(batch.inputIds(sm), batch.inputMask(sm), false);
                NDArray logits = model.decode(hidden, batch.inputMask(sm), batch.decoderInput(sm), false); // (B, T, V)
                long[] arg = logits.argMax(-1).toLongArray(); // (B, T)
                int t = batch.targetLength();
                for (int i = 0; i < b.size(); i++) {
                    boolean ok = true;
                    for (int j = 0; j < t; j++) {
                        if (batch.labelMask()[i * t + j] > 0 && arg[i * t + j] != batch.labels()[i * t + j]) {
                            ok = false;
                        }
                    }
                    hits += ok ? 1 : 0;
                }
            }
        }
        return hits / (double) examples.size();
    }

    private static void dump(AlignmentTasks.Example e, Seq2SeqExample x, ItemTokenizer tok) {
        System.out.println("--- " + e.task() + " item " + e.item());
        System.out.println("prompt text : " + e.prompt());
        System.out.println("prompt ids  : " + java.util.Arrays.toString(x.inputIds()));
        System.out.println("prompt toks : " + pieces(x.inputIds(), tok));
        System.out.println("target text : " + e.target());
        System.out.println("target ids  : " + java.util.Arrays.toString(x.targetIds()));
        System.out.println("target toks : " + pieces(x.targetIds(), tok));
    }

    private static String pieces(int[] ids, ItemTokenizer tok) {
        List<String> s = new ArrayList<>();
        for (int id : ids) {
            s.add(tok.token(id));
        }
        return String.join(" ", s);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

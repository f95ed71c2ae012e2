package dev.siit.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.SplittableRandom;

/**
 * Timing of one training step of the T5 model (not a unit test; run by hand):
 * {@code java -cp target/test-classes:target/classes:target/lib/* dev.siit.model.T5TrainingStepTiming
 * [batch encLen decLen steps vocab]}. Forward, backward and DJL's AdamW, LETTER-TIGER config.
 */
public final class T5TrainingStepTiming {
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int encLen = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int decLen = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int vocab = args.length > 4 ? Integer.parseInt(args[4]) : 32100 + 918;
        String which = args.length > 5 ? args[5] : "letter";
        T5Config cfg = which.equals("tiny")
                ? new T5Config(vocab, 64, 16, 256, 2, 2, 4, 32, 128, 0.1, 1e-6, T5Config.RELU, true, 1.0, 0, 1, 0)
                : T5Config.letterTiger(vocab);
        SplittableRandom r = new SplittableRandom(1);
        try (T5Model model = T5Model.create(cfg, 1); NDManager m = NDManager.newBaseManager()) {
            System.out.printf("config %s, %d parameters, intra-op threads %s%n", which, model.parameterCount(),
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(0.01f).build();
            int[] in = new int[batch * encLen];
            int[] dec = new int[batch * decLen];
            int[] tgt = new int[batch * decLen];
            for (int i = 0; i < in.length; i++) {
                in[i] = 3 + r.nextInt(vocab - 3);
            }
            for (int i = 0; i < dec.length; i++) {
                dec[i] = 3 + r.nextInt(vocab - 3);
                tgt[i] = 3 + r.nextInt(vocab - 3);
            }
            long fwdNs = 0;
            long bwdNs = 0;
            long optNs = 0;
            for (int s = 0; s < steps; s++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray ids = step.create(in, new Shape(batch, encLen));
                    NDArray mask = step.ones(new Shape(batch, encLen), DataType.INT32);
                    NDArray decIds = step.create(dec, new Shape(batch, decLen));
                    NDArray target = step.create(tgt, new Shape(batch, decLen, 1)).toType(DataType.INT64, false);
                    long t0 = System.nanoTime();
                    long t1;
                    long t2;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.decode(model.encode(ids, mask, true), mask, decIds, true); // (B, T, V)
                        NDArray loss = logits.logSoftmax(-1).gather(target, -1).mean().neg();
                        t1 = System.nanoTime();
                        gc.backward(loss);
                        t2 = System.nanoTime();
                    }
                    for (Pair<String, Parameter> p : model.getParameters()) {
                        NDArray w = p.getValue().getArray();
                        adamW.update(p.getValue().getId(), w, w.getGradient());
                    }
                    long t3 = System.nanoTime();
                    if (s > 0) { // the first step warms up allocators
                        fwdNs += t1 - t0;
                        bwdNs += t2 - t1;
                        optNs += t3 - t2;
                    }
                    System.out.printf("step %d: forward %.0f ms, backward %.0f ms, adamW %.0f ms, %.1f samples/s%n", s,
                            (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, batch / ((t3 - t0) / 1e9));
                }
            }
            int n = steps - 1;
            double total = (fwdNs + bwdNs + optNs) / 1e9 / n;
            System.out.printf("mean over %d steps: forward %.0f ms, backward %.0f ms, adamW %.0f ms -> %.1f samples/s%n", n,
                    fwdNs / 1e6 / n, bwdNs / 1e6 / n, optNs / 1e6 / n, batch / total);
        }
    }
}

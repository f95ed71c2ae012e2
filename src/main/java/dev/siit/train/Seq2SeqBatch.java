package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A padded batch, as flat row-major Java arrays. B examples; S = longest prompt of the batch;
 * T = longest target (EOS included). Padding is to the longest sequence of this batch only.
 *
 * @param inputIds     (B, S) prompt ids, pad after the end
 * @param inputMask    (B, S) 1 for prompt tokens, 0 for padding
 * @param decoderInput (B, T) start token, then the target shifted right by one
 * @param labels       (B, T) the target, pad after its end
 * @param labelMask    (B, T) 1 on response tokens (EOS included), 0 on padding: the loss mask
 */
public record Seq2SeqBatch(int size, int inputLength, int targetLength, int[] inputIds, int[] inputMask,
                           int[] decoderInput, int[] labels, float[] labelMask) {

    public static Seq2SeqBatch of(List<Seq2SeqExample> examples, int padTokenId, int decoderStartTokenId) {
        int b = examples.size();
        int s = 0;
        int t = 0;
        for (Seq2SeqExample e : examples) {
            s = Math.max(s, e.inputIds().length);
            t = Math.max(t, e.targetIds().length);
        }
        int[] ids = new int[b * s];
        int[] mask = new int[b * s];
        int[] dec = new int[b * t];
        int[] labels = new int[b * t];
        float[] lmask = new float[b * t];
        Arrays.fill(ids, padTokenId);
        Arrays.fill(dec, padTokenId);
        Arrays.fill(labels, padTokenId);
        for (int i = 0; i < b; i++) {
            int[] in = examples.get(i).inputIds();
            int[] y = examples.get(i).targetIds();
            System.arraycopy(in, 0, ids, i * s, in.length);
            Arrays.fill(mask, i * s, i * s + in.length, 1);
            dec[i * t] = decoderStartTokenId;
            System.arraycopy(y, 0, dec, i * t + 1, y.length - 1);
            System.arraycopy(y, 0, labels, i * t, y.length);
            Arrays.fill(lmask, i * t, i * t + y.length, 1f);
        }
        return new Seq2SeqBatch(b, s, t, ids, mask, dec, labels, lmask);
    }

    public NDArray inputIds(NDManager m) {
        return m.create(inputIds, new Shape(size, inputLength));
    }

    public NDArray inputMask(NDManager m) {
        return m.create(inputMask, new Shape(size, inputLength));
    }

    public NDArray decoderInput(NDManager m) {
        return m.create(decoderInput, new Shape(size, targetLength));
    }

    /** (B, T) int64, as gather wants. */
    public NDArray labels(NDManager m) {
        return m.create(labels, new Shape(size, targetLength)).toType(DataType.INT64, false);
    }

    public NDArray labelMask(NDManager m) {
        return m.create(labelMask, new Shape(size, targetLength));
    }

    /** Number of response tokens the loss averages over. */
    public int responseTokens() {
        int n = 0;
        for (float v : labelMask) {
            n += (int) v;
        }
        return n;
    }
}

package dev.siit.ids.rqvae;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Sentence embeddings of item text with all-MiniLM-L6-v2 (384 dimensions, mean pooling,
 * unit length), run in-process by ONNX Runtime from the model bundled in the langchain4j jar:
 * nothing is downloaded. TIGER and LETTER use a larger text encoder (Sentence-T5 / LLaMA); this
 * is the offline one the project has.
 */
public final class TextEmbedder {
    public static final int DIM = 384;
    private static final int BATCH = 64;

    private TextEmbedder() {
    }

    /** (texts.size(), 384). */
    public static float[][] embed(List<String> texts) {
        return embed(texts, false);
    }

    /** (texts.size(), 384), with a progress bar (rate, ETA) when {@code progress}. */
    public static float[][] embed(List<String> texts, boolean progress) {
        AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        float[][] out = new float[texts.size()][];
        try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("minilm").setInitialMax(texts.size())
                .setStyle(ProgressBarStyle.ASCII).setUnit(" texts", 1).showSpeed().build() : null) {
            for (int from = 0; from < texts.size(); from += BATCH) {
                embedBatch(model, texts, from, out);
                if (bar != null) {
                    bar.stepTo(Math.min(texts.size(), from + BATCH));
                }
            }
        }
        return out;
    }

    private static void embedBatch(AllMiniLmL6V2EmbeddingModel model, List<String> texts, int from, float[][] out) {
        List<TextSegment> segs = new ArrayList<>();
        for (String t : texts.subList(from, Math.min(texts.size(), from + BATCH))) {
            segs.add(TextSegment.from(t));
        }
        List<Embedding> emb = model.embedAll(segs).content();
        for (int i = 0; i < emb.size(); i++) {
            out[from + i] = emb.get(i).vector();
        }
    }
}

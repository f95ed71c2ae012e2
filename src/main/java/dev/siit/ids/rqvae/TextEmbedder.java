package dev.siit.ids.rqvae;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

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
        AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<TextSegment> segs = new ArrayList<>();
            for (String t : texts.subList(from, Math.min(texts.size(), from + BATCH))) {
                segs.add(TextSegment.from(t));
            }
            List<Embedding> emb = model.embedAll(segs).content();
            for (int i = 0; i < emb.size(); i++) {
                out[from + i] = emb.get(i).vector();
            }
        }
        return out;
    }
}

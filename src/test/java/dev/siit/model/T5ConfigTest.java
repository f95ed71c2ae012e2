package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.io.InputException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5ConfigTest {
    /** The config.json of google/flan-t5-small as published on the Hugging Face hub. */
    static final String FLAN_T5_SMALL = """
            {
              "architectures": ["T5ForConditionalGeneration"],
              "d_ff": 1024, "d_kv": 64, "d_model": 512, "decoder_start_token_id": 0,
              "dense_act_fn": "gelu_new", "dropout_rate": 0.1, "eos_token_id": 1,
              "feed_forward_proj": "gated-gelu", "initializer_factor": 1.0, "is_encoder_decoder": true,
              "is_gated_act": true, "layer_norm_epsilon": 1e-06, "model_type": "t5", "n_positions": 512,
              "num_decoder_layers": 8, "num_heads": 6, "num_layers": 8, "output_past": true, "pad_token_id": 0,
              "relative_attention_max_distance": 128, "relative_attention_num_buckets": 32,
              "task_specific_params": {"summarization": {"prefix": "summarize: "}},
              "tie_word_embeddings": false, "torch_dtype": "float32", "transformers_version": "4.23.1",
              "use_cache": true, "vocab_size": 32128
            }
            """;

    @Test
    void readsFlanT5SmallConfig(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, FLAN_T5_SMALL);
        T5Config c = T5Config.load(file);
        assertEquals(new T5Config(32128, 512, 64, 1024, 8, 8, 6, 32, 128, 0.1, 1e-6, "gated-gelu", false, 1.0, 0, 1, 0), c);
        assertTrue(c.gated());
        assertEquals(384, c.innerDim());
        // and what we write reads back identically
        Files.writeString(file, c.toJson().toString());
        assertEquals(c, T5Config.load(file));
    }

    @Test
    void letterTigerIsTheDocumentedBackbone() {
        T5Config c = T5Config.letterTiger(33018);
        assertEquals(128, c.dModel());
        assertEquals(4, c.numLayers());
        assertEquals(4, c.numDecoderLayers());
        assertEquals(6, c.numHeads());
        assertEquals(64, c.dKv());
        assertEquals(1024, c.dFf());
        assertEquals("relu", c.feedForwardProj());
        assertEquals(0.1, c.dropoutRate());
        assertTrue(c.tieWordEmbeddings());
        assertFalse(c.gated());
    }

    @Test
    void badFieldsAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, FLAN_T5_SMALL.replace("\"gated-gelu\"", "\"swiglu\""));
        InputException e = assertThrows(InputException.class, () -> T5Config.load(file));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("feed_forward_proj"), e.getMessage());

        Files.writeString(file, FLAN_T5_SMALL.replace("\"d_model\": 512,", ""));
        e = assertThrows(InputException.class, () -> T5Config.load(file));
        assertTrue(e.getMessage().contains("d_model is missing"), e.getMessage());

        Files.writeString(file, FLAN_T5_SMALL.replace("\"num_heads\": 6", "\"num_heads\": \"six\""));
        e = assertThrows(InputException.class, () -> T5Config.load(file));
        assertTrue(e.getMessage().contains("num_heads must be an integer"), e.getMessage());

        Files.writeString(file, "{not json");
        e = assertThrows(InputException.class, () -> T5Config.load(file));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    /** A checkpoint stored in bfloat16 (as many hub uploads are) loads, widened to float32. */
    @Test
    void loadsABfloat16Checkpoint(@TempDir Path dir) throws Exception {
        T5Config cfg = T5ModelTest.tiny(true, false);
        try (T5Model model = T5Model.create(cfg, 12); NDManager m = NDManager.newBaseManager()) {
            model.save(dir);
            // rewrite the weights as BF16 by hand: keep the top 16 bits of each float
            Map<String, SafeTensors.Tensor> f32 = SafeTensors.read(dir.resolve(T5Model.WEIGHTS_FILE)).tensors();
            StringBuilder header = new StringBuilder("{");
            java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
            Map<String, float[]> rounded = new LinkedHashMap<>();
            long offset = 0;
            for (Map.Entry<String, SafeTensors.Tensor> e : f32.entrySet()) {
                FloatBuffer b = e.getValue().data().duplicate();
                float[] r = new float[b.remaining()];
                for (int i = 0; i < r.length; i++) {
                    int bits = Float.floatToIntBits(b.get()) >>> 16;
                    data.write(bits & 0xFF);
                    data.write((bits >>> 8) & 0xFF);
                    r[i] = Float.intBitsToFloat(bits << 16);
                }
                rounded.put(e.getKey(), r);
                if (header.length() > 1) {
                    header.append(',');
                }
                header.append('"').append(e.getKey()).append("\":{\"dtype\":\"BF16\",\"shape\":")
                        .append(java.util.Arrays.toString(e.getValue().shape()).replace(" ", ""))
                        .append(",\"data_offsets\":[").append(offset).append(',').append(offset + 2L * r.length).append("]}");
                offset += 2L * r.length;
            }
            header.append('}');
            byte[] h = header.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
            file.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            file.write(h);
            file.write(data.toByteArray());
            Files.write(dir.resolve(T5Model.WEIGHTS_FILE), file.toByteArray());

            try (T5Model loaded = T5Model.load(dir)) {
                for (Map.Entry<String, float[]> e : rounded.entrySet()) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(),
                            loaded.parametersByName().get(e.getKey()).getArray().toFloatArray(), e.getKey());
                }
                NDArray in = T5ModelTest.ids(m, new int[][] {{5, 6, 7, 1}});
                NDArray mask = m.ones(new Shape(1, 4), ai.djl.ndarray.types.DataType.INT32);
                NDArray dec = T5ModelTest.ids(m, new int[][] {{0, 3}});
                NDArray a = model.decode(model.encode(in, mask, false), mask, dec, false);
                NDArray b = loaded.decode(loaded.encode(in, mask, false), mask, dec, false);
                T5ModelTest.assertClose(a, b, 0.05f); // bf16 keeps ~3 significant digits
            }
        }
    }
}

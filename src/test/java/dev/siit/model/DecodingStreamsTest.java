package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.siit.model.ConstrainedBeamSearch.Hypothesis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DecodingStreamsTest {
    private static final int VOCAB = 40;

    @Test
    void twoStreamsGiveBitForBitWhatOneSingleThreadedStreamGivesInBatchOrder() throws Exception {
        T5Config cfg = new T5Config(VOCAB, 16, 8, 32, 2, 2, 2, 8, 20, 0.1, 1e-6, T5Config.RELU, true, 1.0, 0, 1, 0);
        SplittableRandom rng = new SplittableRandom(7);
        int[][] ids = new int[30][];
        for (int i = 0; i < ids.length; i++) { // 30 distinct 3-token identifiers over tokens 20..39
            ids[i] = new int[] {20 + i % 5, 25 + (i / 5) % 6, 31 + i % 3};
        }
        List<int[][]> batches = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            int[][] prompts = new int[3][];
            for (int p = 0; p < 3; p++) {
                prompts[p] = new int[2 + rng.nextInt(6)];
                for (int t = 0; t < prompts[p].length; t++) {
                    prompts[p][t] = 2 + rng.nextInt(18);
                }
                prompts[p][prompts[p].length - 1] = 1;
            }
            batches.add(prompts);
        }
        try (T5Model model = T5Model.create(cfg, 5); NDManager m = NDManager.newBaseManager()) {
            ConstrainedBeamSearch search = new ConstrainedBeamSearch(model, new PrefixTrie(ids, 1), 6, 0);
            // the independent run: one stream, on a thread of its own with one intra-op thread
            AtomicReference<List<List<List<Hypothesis>>>> expected = new AtomicReference<>();
            Thread single = new Thread(() -> {
                JniUtils.setNumThreads(1);
                List<List<List<Hypothesis>>> r = new ArrayList<>();
                for (int[][] batch : batches) {
                    r.add(search.search(m, batch));
                }
                expected.set(r);
            });
            single.start();
            single.join();
            List<Integer> reported = new ArrayList<>();
            List<List<List<Hypothesis>>> actual;
            int before = JniUtils.getNumThreads();
            try (DecodingStreams streams = new DecodingStreams(2)) {
                actual = streams.map(m, batches.size(), (sm, b) -> search.search(sm, batches.get(b)), reported::add);
            }
            assertEquals(before, JniUtils.getNumThreads(), "the caller's thread count is left alone");
            assertEquals(List.of(0, 1, 2, 3, 4), reported);
            assertEquals(5, actual.size());
            for (int b = 0; b < 5; b++) {
                for (int p = 0; p < 3; p++) {
                    List<Hypothesis> want = expected.get().get(b).get(p);
                    List<Hypothesis> got = actual.get(b).get(p);
                    assertEquals(6, got.size());
                    assertEquals(want.size(), got.size());
                    for (int h = 0; h < want.size(); h++) {
                        assertArrayEquals(want.get(h).tokens(), got.get(h).tokens(), "batch " + b + " prompt " + p);
                        assertEquals(Float.floatToIntBits(want.get(h).score()), Float.floatToIntBits(got.get(h).score()));
                    }
                }
            }
        }
    }

    @Test
    void aFailingBatchFailsTheCallWithItsOwnException() {
        IllegalStateException boom = new IllegalStateException("batch 3 failed");
        try (DecodingStreams streams = new DecodingStreams(2); NDManager m = NDManager.newBaseManager()) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> streams.map(m, 6, (sm, b) -> {
                if (b == 3) {
                    throw boom;
                }
                return b;
            }, b -> { }));
            assertSame(boom, thrown);
            // the streams still work afterwards
            assertEquals(List.of(0, 10, 20), streams.map(m, 3, (sm, b) -> 10 * b, b -> { }));
        }
    }

    @Test
    void theStreamCountIsAWholeNumberOfAtLeastOne() {
        assertEquals(1, DecodingStreams.fromProperty(null));
        assertEquals(1, DecodingStreams.fromProperty(" "));
        assertEquals(3, DecodingStreams.fromProperty("3"));
        for (String bad : new String[] {"0", "-2", "two"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecodingStreams.fromProperty(bad));
            assertTrue(e.getMessage().contains("siit.decode.streams must be a whole number >= 1, got '" + bad + "'"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DecodingStreams(0));
    }
}

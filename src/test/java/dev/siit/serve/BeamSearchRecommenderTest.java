package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.FakeSeq2SeqModel;
import dev.siit.model.PrefixTrie;
import dev.siit.train.PromptEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generative adapter against an exhaustive computation: with a beam as wide as the number
 * of identifiers the constrained beam search is exact, so its ranking must equal every
 * identifier's teacher-forced log-probability, sorted.
 */
class BeamSearchRecommenderTest {
    private static final int V = 14;
    private static final int EOS = 1;
    /** Six items, five identifiers: items 0 and 5 share [3, 6]. */
    private static final int[][] IDS = {{3, 6}, {3, 7}, {4, 6}, {4, 7}, {5, 8}, {3, 6}};
    private static final int DISTINCT = 5;

    /** Prompt = one token per history item (2 + item), template 1 prefixes token 13, then EOS. */
    private static final PromptEncoder PROMPTS = new PromptEncoder() {
        @Override
        public int numTemplates() {
            return 2;
        }

        @Override
        public int[] encode(int template, int[] history) {
            int[] p = new int[history.length + 1 + template];
            int o = 0;
            if (template == 1) {
                p[o++] = 13;
            }
            for (int item : history) {
                p[o++] = 2 + item;
            }
            p[o] = EOS;
            return p;
        }
    };

    /**
     * log P(identifier | prompt) by teacher forcing, plus log P(EOS | identifier) only where the
     * trie lets EOS compete with a longer identifier (forced EOS is not scored).
     */
    private static double trueScore(FakeSeq2SeqModel model, NDManager m, int[] prompt, int[] id) {
        int[] next = new PrefixTrie(IDS, EOS).allowedAfter(id);
        int scored = next.length == 1 && next[0] == EOS ? id.length : id.length + 1;
        try (NDManager s = m.newSubManager()) {
            NDArray in = s.create(prompt, new Shape(1, prompt.length));
            NDArray mask = s.ones(new Shape(1, prompt.length), DataType.INT32);
            int[] dec = new int[id.length + 1];
            dec[0] = model.decoderStartTokenId();
            System.arraycopy(id, 0, dec, 1, id.length);
            int[] target = Arrays.copyOf(id, id.length + 1);
            target[id.length] = EOS;
            float[] logp = model.decode(model.encode(in, mask, false), mask, s.create(dec, new Shape(1, dec.length)), false)
                    .logSoftmax(2).toFloatArray(); // (1, T, V)
            double sum = 0;
            for (int t = 0; t < scored; t++) {
                sum += logp[t * V + target[t]];
            }
            return sum;
        }
    }

    private static BeamSearchRecommender recommender(FakeSeq2SeqModel model, NDManager m, int template) {
        return new BeamSearchRecommender(model, new PrefixTrie(IDS, EOS), PROMPTS, template, DISTINCT, 0, 3, IDS.length,
                42, m, Map.of("identifierIteration", 2));
    }

    @Test
    void ranksItemsByTheirIdentifiersExactLogProbability() {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 11);
            BeamSearchRecommender rec = recommender(model, m, 0);
            for (int[] history : List.of(new int[] {0}, new int[] {2, 4, 1}, new int[] {5, 5})) {
                List<Recommendation> got = rec.recommendBatch(List.of(history), 10).get(0);
                // independent: score every item's identifier, sort descending
                int[] prompt = PROMPTS.encode(0, history);
                double[] score = new double[IDS.length];
                for (int i = 0; i < IDS.length; i++) {
                    score[i] = trueScore(model, m, prompt, IDS[i]);
                }
                assertEquals(IDS.length, got.size(), "all 6 items: 5 identifiers, one shared by two items");
                assertEquals(List.of(0, 1, 2, 3, 4, 5), got.stream().map(Recommendation::item).sorted().toList());
                for (int r = 0; r < got.size(); r++) {
                    assertEquals(score[got.get(r).item()], got.get(r).score(), 1e-4, "score of item " + got.get(r).item());
                    if (r > 0) {
                        assertTrue(got.get(r - 1).score() >= got.get(r).score() - 1e-6, "descending at rank " + (r + 1));
                    }
                }
                List<Integer> order = got.stream().map(Recommendation::item).toList();
                assertEquals(1, Math.abs(order.indexOf(0) - order.indexOf(5)), "items sharing an identifier are adjacent");
                assertEquals(order.subList(0, 3), rec.recommendBatch(List.of(history), 3).get(0).stream()
                        .map(Recommendation::item).toList(), "k cuts the same ranking");
            }
        }
    }

    @Test
    void answersDoNotDependOnTheRestOfTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 5);
            BeamSearchRecommender rec = recommender(model, m, 1);
            List<int[]> histories = List.of(new int[] {0}, new int[] {2, 4, 1}, new int[] {5, 5});
            List<List<Recommendation>> together = rec.recommendBatch(histories, 6);
            for (int i = 0; i < histories.size(); i++) {
                List<Recommendation> alone = rec.recommendBatch(List.of(histories.get(i)), 6).get(0);
                assertEquals(alone.stream().map(Recommendation::item).toList(),
                        together.get(i).stream().map(Recommendation::item).toList(), "history " + i);
                for (int r = 0; r < alone.size(); r++) {
                    assertEquals(alone.get(r).score(), together.get(i).get(r).score(), 1e-5);
                }
            }
            assertEquals("generative", rec.info().get("kind"));
            assertEquals(2, rec.info().get("identifierIteration"));
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialAnswers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 7);
            BeamSearchRecommender rec = recommender(model, m, 0);
            assertTrue(rec.concurrent());
            List<List<int[]>> batches = List.of(List.of(new int[] {0}, new int[] {2, 4, 1}), List.of(new int[] {5, 5}),
                    List.of(new int[] {3}, new int[] {1, 2}, new int[] {4}));
            List<List<List<Recommendation>>> sequential = new ArrayList<>();
            for (List<int[]> batch : batches) {
                sequential.add(rec.recommendBatch(batch, 6));
            }
            // every batch 40 times on 3 threads at once: same items, same scores, no leaked arrays
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<List<List<Recommendation>>>> got = new ArrayList<>();
                for (int rep = 0; rep < 40; rep++) {
                    for (List<int[]> batch : batches) {
                        got.add(pool.submit(() -> rec.recommendBatch(batch, 6)));
                    }
                }
                for (int i = 0; i < got.size(); i++) {
                    List<List<Recommendation>> want = sequential.get(i % batches.size());
                    List<List<Recommendation>> have = got.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                    for (int h = 0; h < want.size(); h++) {
                        assertEquals(want.get(h).stream().map(Recommendation::item).toList(),
                                have.get(h).stream().map(Recommendation::item).toList(), "call " + i + ", history " + h);
                        for (int r = 0; r < want.get(h).size(); r++) {
                            assertEquals(want.get(h).get(r).score(), have.get(h).get(r).score(), 1e-5);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void servesIdentifiersOverHttp() throws Exception {
        List<ItemText> texts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<List<String>> tokens = new ArrayList<>();
        for (int i = 0; i < IDS.length; i++) {
            texts.add(new ItemText("Item " + i, ""));
            ids.add("i" + i);
            tokens.add(List.of("<a_" + IDS[i][0] + ">", "<b_" + IDS[i][1] + ">"));
        }
        int[][] train = {{0, 1, 2, 3, 4, 5}};
        InteractionDataset d = new InteractionDataset("six", List.of("u"), ids, train, Collections.unmodifiableList(texts), "sha256:t");
        ItemCatalog catalog = ItemCatalog.of(d, train, new ItemIdentifiers(tokens));
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 8, 11);
            BeamSearchRecommender rec = recommender(model, m, 0);
            List<Recommendation> direct = rec.recommendBatch(List.of(new int[] {2, 4, 1}), 4).get(0);
            try (RecommendationServer s = RecommendationServer.start(catalog, rec, Map.of("name", "six"),
                    RecommendationServer.Settings.defaults("127.0.0.1", 0))) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(s.uri().resolve("/recommend"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"history\": [\"i2\", \"i4\", \"i1\"], \"k\": 4}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                JsonNode items = new ObjectMapper().readTree(r.body()).get("items");
                assertEquals(4, items.size());
                for (int i = 0; i < 4; i++) {
                    int item = direct.get(i).item();
                    assertEquals("i" + item, items.get(i).get("item").asText());
                    assertEquals("<a_" + IDS[item][0] + "><b_" + IDS[item][1] + ">", items.get(i).get("identifier").asText());
                    assertEquals(direct.get(i).score(), items.get(i).get("score").asDouble(), 1e-6);
                }
            }
        }
    }
}

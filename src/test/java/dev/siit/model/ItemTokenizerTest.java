package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.siit.data.DatasetFormat;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ItemTokenizerTest {
    static final Path TOKENIZER = Path.of(System.getProperty("siit.shared.data", "../shared/data"), "t5-tokenizer");
    static ItemTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = ItemTokenizer.load(TOKENIZER, List.of("<a_1>", "<b_2>", "<a_12>", "<b_7>", "<a_1>", "<e_0>"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void itemTokensGetIdsAfterTheBaseVocabularyInOrder() {
        assertEquals(32100, tokenizer.baseVocabSize());
        assertEquals(32105, tokenizer.vocabSize()); // the duplicate <a_1> is added once
        assertEquals(32100, tokenizer.itemId("<a_1>"));
        assertEquals(32102, tokenizer.itemId("<a_12>"));
        assertEquals(32104, tokenizer.itemId("<e_0>"));
        assertArrayEquals(new int[] {32102, 32103, 1}, tokenizer.encode("<a_12><b_7>"));
        assertEquals("<b_7>", tokenizer.token(32103));
        assertEquals(1, tokenizer.eosId());
        assertEquals(0, tokenizer.padId());
    }

    @Test
    void promptMixesSentencePiecesAndItemTokens() throws Exception {
        int[] ids = tokenizer.encode("This person has bought <a_1><b_2>, <a_12><b_7> in the previous.");
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            tokens.add(tokenizer.token(id));
        }
        // the text pieces are exactly what the Hugging Face tokenizer gives for each piece alone
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(TOKENIZER)
                .optAddSpecialTokens(false).build()) {
            List<String> expected = new ArrayList<>(Arrays.asList(hf.encode("This person has bought ").getTokens()));
            expected.addAll(List.of("<a_1>", "<b_2>"));
            expected.addAll(Arrays.asList(hf.encode(", ").getTokens()));
            expected.addAll(List.of("<a_12>", "<b_7>"));
            expected.addAll(Arrays.asList(hf.encode(" in the previous.").getTokens()));
            expected.add("</s>");
            assertEquals(expected, tokens);
        }
        // and by hand: the sentence starts with these SentencePiece pieces
        assertEquals(List.of("▁This", "▁person", "▁has", "▁bought", "<a_1>"), tokens.subList(0, 5));
    }

    @Test
    void batchEqualsOneByOneAndDecodesBack() {
        List<String> prompts = List.of("After buying <a_1><b_2>, which product?", "<a_12><b_7>", "Plain text only.");
        List<int[]> batch = tokenizer.encodeBatch(prompts);
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(tokenizer.encode(prompts.get(i)), batch.get(i));
        }
        assertEquals("After buying <a_1><b_2>, which product?", tokenizer.decode(batch.get(0)));
        assertEquals("<a_12><b_7>", tokenizer.decode(batch.get(1)));
    }

    @Test
    void unknownItemTokenIsAClearError() {
        InputException e = assertThrows(InputException.class, () -> tokenizer.encode("bought <z_9>"));
        assertTrue(e.getMessage().contains("<z_9>"), e.getMessage());
        assertThrows(InputException.class, () -> ItemTokenizer.load(TOKENIZER, List.of("a_1")));
    }

    @Test
    void templatesRenderThePaperPrompts() {
        PromptTemplates product = PromptTemplates.load("product");
        assertEquals(15, product.size());
        assertEquals("This person has bought <a_1><b_2>, <a_12><b_7> in the previous. Please predict the next "
                + "product this person will buy. Answer:", product.render(0, List.of("<a_1><b_2>", "<a_12><b_7>")));
        PromptTemplates movie = PromptTemplates.forDataset(DatasetFormat.MOVIELENS);
        assertEquals("movie", movie.domain());
        assertEquals(15, movie.size());
        assertEquals("product", PromptTemplates.forDataset(DatasetFormat.LETTER).domain());
        assertEquals("Please generate the index for the item called NYX Marker:", product.itemToIdentifier("NYX Marker"));
        assertEquals("Please generate the name for the item corresponding to <a_1><b_2>:",
                product.identifierToItem("<a_1><b_2>"));
        assertThrows(InputException.class, () -> PromptTemplates.load("restaurant-xyz"));
        // every rendered template tokenizes: item tokens survive inside any sentence
        for (int i = 0; i < 15; i++) {
            int[] ids = tokenizer.encode(product.render(i, List.of("<a_12><b_7>")));
            assertTrue(Arrays.stream(ids).anyMatch(id -> id == 32102), "template " + i);
        }
    }
}

package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.InteractionDataset;
import dev.siit.io.InputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitialIdentifiersTest {

    @Test
    void textInitializersRefuseUntitledItemsUnlessPlaceholdersAreAllowed() {
        InteractionDataset data = SelfImprovingLoopTest.tinyData(); // one item has no title
        SiitConfig tiger = SiitConfig.defaults().with(Map.of("initializer", "tiger"), "test");
        InputException e = assertThrows(InputException.class, () -> InitialIdentifiers.make(tiger, data));
        assertTrue(e.getMessage().contains("the TIGER initializer needs item titles, but 1 of " + data.numItems())
                && e.getMessage().contains("placeholder_titles: true"), e.getMessage());

        SiitConfig letter = SiitConfig.defaults().with(Map.of("initializer", "letter", "cf_embeddings", "none.npy"), "test");
        e = assertThrows(InputException.class, () -> InitialIdentifiers.make(letter, data));
        assertTrue(e.getMessage().contains("the LETTER initializer needs item titles"), e.getMessage());

        // placeholders are for a handful of items (at most 5%): 1 of 12 is too many
        SiitConfig placeholders = tiger.with(Map.of("placeholder_titles", true), "test");
        e = assertThrows(InputException.class, () -> InitialIdentifiers.make(placeholders, data));
        assertTrue(e.getMessage().contains("too many for placeholder titles (at most 5%)"), e.getMessage());
    }
}

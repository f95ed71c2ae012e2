package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * End to end in a real browser: the demo page on MovieLens-100K with the co-occurrence
 * recommender. Fails (does not skip) when Chromium is missing.
 */
class ServingPageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void searchAddTwoItemsAndSeeRecommendations() throws Exception {
        Path ml = Path.of(System.getProperty("siit.shared.data"), "ml-100k");
        ServedModel model = ServedModel.cooccurrence(ml, 5, 10);
        try (RecommendationServer server = RecommendationServer.start(model.catalog(), model.recommender(), model.dataset(),
                RecommendationServer.Settings.defaults("127.0.0.1", 0));
             HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(server.uri());
            browser.waitFor("document.getElementById('model').textContent.includes('co-occurrence')", WAIT);

            // type a query, add the first result: "Star Wars (1977)" is the only title starting with it
            browser.type("#query", "star wars");
            browser.waitFor("document.querySelectorAll('#results li button.add').length > 0", WAIT);
            assertEquals("50", browser.eval("document.querySelector('#results li').dataset.item").asText());
            browser.eval("document.querySelector('#results li button.add').click()");

            browser.eval("document.getElementById('query').value = ''");
            browser.type("#query", "toy story");
            browser.waitFor("document.querySelector('#results li') && document.querySelector('#results li').dataset.item === '1'", WAIT);
            browser.eval("document.querySelector('#results li button.add').click()");
            assertEquals("[\"50\",\"1\"]", browser.eval(
                    "JSON.stringify([...document.querySelectorAll('#history li')].map(li => li.dataset.item))").asText());

            browser.eval("document.getElementById('recommend').click()");
            browser.waitFor("document.querySelectorAll('#recs tr.rec').length === 10", WAIT);
            assertEquals("", browser.eval("document.getElementById('error').textContent").asText());

            // what the page shows must be what the API answers for the same history
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/recommend"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"history\": [\"50\", \"1\"], \"k\": 10}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode expected = JSON.readTree(api.body()).get("items");
            JsonNode shown = JSON.readTree(browser.eval("JSON.stringify([...document.querySelectorAll('#recs tr.rec')].map(tr => "
                    + "({item: tr.dataset.item, text: tr.cells[1].textContent, score: Number(tr.cells[2].textContent)})))").asText());
            assertEquals(10, expected.size());
            for (int i = 0; i < 10; i++) {
                JsonNode e = expected.get(i);
                JsonNode s = shown.get(i);
                assertEquals(e.get("item").asText(), s.get("item").asText(), "item at rank " + (i + 1));
                assertTrue(s.get("text").asText().startsWith(e.get("title").asText()), s.get("text").asText());
                assertEquals(e.get("score").asDouble(), s.get("score").asDouble(), 1e-3 * Math.abs(e.get("score").asDouble()));
                assertTrue(!e.get("item").asText().equals("50") && !e.get("item").asText().equals("1"), "history items are not recommended");
            }
        }
    }
}

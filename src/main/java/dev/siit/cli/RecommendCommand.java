package dev.siit.cli;

import ai.djl.ndarray.NDManager;
import dev.siit.data.ItemText;
import dev.siit.io.InputException;
import dev.siit.model.ConstrainedBeamSearch.ScoredItem;
import dev.siit.model.T5Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siit recommend}: the top-k items for a history given as original item ids. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Recommend the next items for a history of item ids (as in the source data).")
public final class RecommendCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--history", required = true, split = ",", description = "Item ids, oldest first, comma-separated.")
    List<String> history;

    @Option(names = "--k", defaultValue = "10", description = "Number of items (at most the beam size; default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--template", defaultValue = "-1", description = "Prompt template 0..14 (default: drawn from the run's seed).")
    int template;

    @Override
    public Integer call() {
        RecommenderRun r = RecommenderRun.open(runOptions.runsRoot, runOptions.run);
        if (k < 1) {
            throw new InputException("--k must be >= 1, got " + k);
        }
        int beam = Math.max(r.config.beam(), k);
        Map<String, Integer> dense = new HashMap<>();
        for (int i = 0; i < r.data.numItems(); i++) {
            dense.put(r.data.itemIds().get(i), i);
        }
        List<Integer> h = new ArrayList<>();
        for (String id : history) {
            Integer d = dense.get(id.strip());
            if (d == null) {
                throw new InputException("item " + id.strip() + " is not in dataset " + r.data.name()
                        + " (after " + r.config.kcore() + "-core filtering)");
            }
            h.add(d);
        }
        int from = Math.max(0, h.size() - r.config.maxHistory()); // the last H items, as in training
        int[] hist = h.subList(from, h.size()).stream().mapToInt(Integer::intValue).toArray();
        SplittableRandom rng = new SplittableRandom(r.config.seed());
        int t = template >= 0 ? template : rng.nextInt(r.prompts.numTemplates());
        if (t >= r.prompts.numTemplates()) {
            throw new InputException("--template must be in 0.." + (r.prompts.numTemplates() - 1));
        }
        List<ScoredItem> recs;
        try (T5Model model = T5Model.load(r.weightsDir(), RecommenderRun.device(r.config.device()));
             NDManager m = NDManager.newBaseManager(model.device())) {
            var search = new dev.siit.model.ConstrainedBeamSearch(model, r.trie, beam, r.tokenizer.padId());
            int[][] prompt = {r.prompts.encode(t, hist)};
            recs = dev.siit.model.ConstrainedBeamSearch.rankItems(search.search(m, prompt).get(0), r.trie, k, rng);
        }
        var o = spec.commandLine().getOut();
        o.println("prompt: " + r.prompts.render(t, hist));
        o.printf("%-4s %-12s %-28s %-9s %s%n", "rank", "item", "identifier", "log-prob", "title");
        for (int i = 0; i < recs.size(); i++) {
            int item = recs.get(i).item();
            ItemText text = r.data.itemTexts().get(item);
            String title = text == null || text.title().isEmpty() ? "(no title)" : text.title();
            o.printf("%-4d %-12s %-28s %-9.4f %s%n", i + 1, r.data.itemIds().get(item), r.identifiers.joined(item),
                    recs.get(i).score(), title);
        }
        return 0;
    }
}

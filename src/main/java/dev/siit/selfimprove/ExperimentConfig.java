package dev.siit.selfimprove;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The grid {@code bin/siit experiment --config FILE.yaml} runs: initializers x {base, +SIIT,
 * +SIIT variants} x seeds, plus an optional E_align sweep (paper, Figure 2).
 *
 * <pre>
 * version: 1
 * name: ml100k-siit
 * siit: { dataset: ../shared/data/ml-100k, warmup_epochs: 20, ... }   # SiitConfig keys
 * initializers: [cid, tiger, letter]
 * seeds: [1, 2, 3]
 * variants:                              # +SIIT ablations and options, besides plain +SIIT
 *   - {name: greedy, set: {regeneration_decoding: greedy}}
 *   - {name: no-ca, set: {collision_avoidance: false}}
 * align_epochs_sweep: [1, 3, 5, 10]      # optional
 * </pre>
 *
 * @param name            experiment name (the directory name under {@code experiments/})
 * @param siit            settings shared by every run
 * @param initializers    T0 methods
 * @param seeds           at least 3 for a comparison to be reported as one
 * @param variants        named overrides of {@code siit}, each run as an extra +SIIT method
 * @param alignEpochsSweep E_align values of the sweep (empty = no sweep)
 */
public record ExperimentConfig(String name, SiitConfig siit, List<String> initializers, List<Long> seeds,
                               List<Variant> variants, List<Integer> alignEpochsSweep) {

    public static final int VERSION = 1;
    static final Set<String> FIELDS = Set.of("version", "name", "siit", "initializers", "seeds", "variants",
            "align_epochs_sweep");
    /** Method names reserved for the two main arms. */
    public static final String BASE = "base";
    public static final String SIIT = "siit";

    /** A named set of overrides (snake_case keys of {@link SiitConfig}). */
    public record Variant(String name, Map<String, Object> set) {
        public Variant {
            set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
        }
    }

    /**
     * One cell of the grid.
     *
     * @param id          directory name, {@code cid-siit-seed1}
     * @param initializer T0 method
     * @param method      {@code base}, {@code siit}, a variant name, or {@code siit-align{E}}
     * @param seed        the run's seed
     * @param config      the run's complete settings
     */
    public record Run(String id, String initializer, String method, long seed, SiitConfig config) {
    }

    public ExperimentConfig {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("field 'name' must be a non-empty file name ([A-Za-z0-9._-]), got " + name);
        }
        if (initializers.isEmpty()) {
            throw new IllegalArgumentException("field 'initializers' must list at least one initializer");
        }
        for (String init : initializers) {
            if (!SiitConfig.INITIALIZERS.contains(init) || "file".equals(init)) {
                throw new IllegalArgumentException("field 'initializers' must hold cid, tiger or letter, got " + init);
            }
        }
        if (seeds.isEmpty() || new TreeSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("field 'seeds' must list at least one seed, without repeats, got " + seeds);
        }
        Set<String> names = new TreeSet<>();
        for (Variant v : variants) {
            if (v.name() == null || !v.name().matches("[a-z0-9-]+") || v.name().equals(BASE) || v.name().equals(SIIT)
                    || v.name().startsWith("siit-align") || !names.add(v.name())) {
                throw new IllegalArgumentException("field 'variants': name must be unique, lower-case [a-z0-9-] and not "
                        + "base/siit/siit-align*, got " + v.name());
            }
        }
        for (int e : alignEpochsSweep) {
            if (e < 1) {
                throw new IllegalArgumentException("field 'align_epochs_sweep' values must be >= 1, got " + e);
            }
        }
        initializers = List.copyOf(initializers);
        seeds = List.copyOf(seeds);
        variants = List.copyOf(variants);
        alignEpochsSweep = List.copyOf(alignEpochsSweep);
    }

    public static ExperimentConfig load(Path file) {
        JsonNode tree;
        try {
            tree = SiitConfig.YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InputException("experiment config " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new InputException(file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException("cannot read experiment config " + file + ": " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new InputException(file + ": expected a mapping with name, siit, initializers, seeds");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InputException(file + ": unknown field '" + f + "' (known fields: " + new TreeSet<>(FIELDS) + ")");
            }
        }
        int version = tree.path("version").asInt(VERSION);
        if (version != VERSION) {
            throw new InputException(file + ": field 'version' must be " + VERSION + ", got " + version);
        }
        SiitConfig siit = SiitConfig.fromTree(tree.has("siit") ? tree.get("siit") : SiitConfig.YAML.createObjectNode(),
                SiitConfig.defaults(), file + " (siit)");
        try {
            List<String> inits = strings(tree, "initializers", file);
            List<Long> seeds = new ArrayList<>();
            for (JsonNode s : array(tree, "seeds", file)) {
                if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                    throw new InputException(file + ": field 'seeds' must hold integers, got " + s);
                }
                seeds.add(s.asLong());
            }
            List<Variant> variants = new ArrayList<>();
            if (tree.has("variants")) {
                for (JsonNode v : array(tree, "variants", file)) {
                    if (!v.isObject() || !v.path("name").isTextual() || !v.path("set").isObject()) {
                        throw new InputException(file + ": every entry of 'variants' needs a name and a 'set' mapping, got " + v);
                    }
                    Map<String, Object> set = SiitConfig.YAML.convertValue(v.get("set"), LinkedHashMap.class);
                    Variant variant = new Variant(v.get("name").asText(), set);
                    siit.with(variant.set(), file + " (variant " + variant.name() + ")"); // validate now, not mid-grid
                    variants.add(variant);
                }
            }
            List<Integer> sweep = new ArrayList<>();
            if (tree.has("align_epochs_sweep")) {
                for (JsonNode e : array(tree, "align_epochs_sweep", file)) {
                    if (!e.isInt()) {
                        throw new InputException(file + ": field 'align_epochs_sweep' must hold integers, got " + e);
                    }
                    sweep.add(e.asInt());
                }
            }
            return new ExperimentConfig(tree.path("name").asText(null), siit, inits, seeds, variants, sweep);
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": " + e.getMessage());
        }
    }

    private static List<JsonNode> array(JsonNode tree, String field, Path file) {
        JsonNode a = tree.get(field);
        if (a == null || !a.isArray()) {
            throw new InputException(file + ": field '" + field + "' must be a list");
        }
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    private static List<String> strings(JsonNode tree, String field, Path file) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(tree, field, file)) {
            if (!n.isTextual()) {
                throw new InputException(file + ": field '" + field + "' must hold strings, got " + n);
            }
            out.add(n.asText());
        }
        return out;
    }

    /**
     * Every run of the grid, in a fixed order (initializer, seed, method). Sweep values equal to
     * the shared {@code align_epochs} are not repeated: the plain +SIIT run is that point.
     */
    public List<Run> runs() {
        List<Run> out = new ArrayList<>();
        for (String init : initializers) {
            for (long seed : seeds) {
                Map<String, Object> common = new LinkedHashMap<>();
                common.put("initializer", init);
                common.put("seed", seed);
                SiitConfig siitRun = siit.with(common, "experiment " + name);
                out.add(run(init, BASE, seed, siitRun.with(Map.of("refine", false), BASE)));
                out.add(run(init, SIIT, seed, siitRun.with(Map.of("refine", true), SIIT)));
                for (Variant v : variants) {
                    Map<String, Object> set = new LinkedHashMap<>(v.set());
                    set.put("refine", true);
                    out.add(run(init, v.name(), seed, siitRun.with(set, v.name())));
                }
                for (int e : alignEpochsSweep) {
                    if (e != siit.alignEpochs()) {
                        out.add(run(init, "siit-align" + e, seed, siitRun.with(Map.of("refine", true, "align_epochs", e,
                                        // a guarded run's maximum must not fall below the swept minimum
                                        "align_max_epochs", siitRun.alignMaxEpochs() == 0 ? 0
                                                : Math.max(e, siitRun.alignMaxEpochs())),
                                "align_epochs_sweep")));
                    }
                }
            }
        }
        return out;
    }

    private static Run run(String init, String method, long seed, SiitConfig config) {
        return new Run(init + "-" + method + "-seed" + seed, init, method, seed, config);
    }
}

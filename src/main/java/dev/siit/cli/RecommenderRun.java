package dev.siit.cli;

import ai.djl.Device;
import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.io.InputException;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.PrefixTrie;
import dev.siit.model.PromptTemplates;
import dev.siit.model.Seq2SeqModel;
import dev.siit.model.TokenNormalisation;
import dev.siit.train.GenerativeRecommender;
import dev.siit.train.TemplatePromptEncoder;
import dev.siit.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything a trained or to-be-trained generative recommender needs besides its weights,
 * rebuilt from a {@link RunSpec}: dataset and split, identifiers, tokenizer with item tokens,
 * templates, prompt encoder and the prefix trie of all identifiers.
 */
final class RecommenderRun {
    final RunSpec spec;
    final Path dir;
    final TrainConfig config;
    final InteractionDataset data;
    final DatasetFormat format;
    final LeaveOneOutSplit split;
    final ItemIdentifiers identifiers;
    final ItemTokenizer tokenizer;
    final TemplatePromptEncoder prompts;
    final int[][] identifierIds;
    final PrefixTrie trie;

    RecommenderRun(RunSpec spec, Path dir, TrainConfig config) {
        this.spec = spec;
        this.dir = dir;
        this.config = config;
        this.format = DatasetFormat.parse(spec.format());
        this.data = DatasetLoader.load(Path.of(spec.data()), format, config.kcore());
        if (spec.dataFingerprint() != null && !spec.dataFingerprint().equals(data.fingerprint())) {
            throw new InputException("dataset " + spec.data() + " changed since run " + spec.name()
                    + " was trained (fingerprint " + data.fingerprint() + ", run has " + spec.dataFingerprint() + ")");
        }
        this.split = LeaveOneOutSplit.of(data, config.maxHistory());
        this.identifiers = IdentifierSchemes.resolve(spec.ids(), data, split.train());
        Path tok = Path.of(spec.tokenizer());
        this.tokenizer = ItemTokenizer.load(tok, identifiers.vocabulary());
        this.prompts = new TemplatePromptEncoder(PromptTemplates.forDataset(format), tokenizer, identifiers);
        this.identifierIds = TemplatePromptEncoder.identifierIds(tokenizer, identifiers);
        this.trie = new PrefixTrie(identifierIds, tokenizer.eosId());
    }

    /** A run to be trained: the spec is not on disk yet. */
    static RecommenderRun create(RunSpec spec, Path dir, TrainConfig config) {
        return new RecommenderRun(spec, dir, config);
    }

    /** An existing run, with the training configuration it was trained with. */
    static RecommenderRun open(Path root, String name) {
        Path dir = RunSpec.dir(root, name);
        RunSpec spec = RunSpec.load(dir);
        TrainConfig config = TrainConfig.defaults().with(new com.fasterxml.jackson.databind.ObjectMapper()
                .convertValue(spec.train(), java.util.Map.class));
        return new RecommenderRun(spec, dir, config);
    }

    GenerativeRecommender recommender(Seq2SeqModel model, int beam, int batchSize) {
        return recommender(model, beam, batchSize, TokenNormalisation.FULL);
    }

    GenerativeRecommender recommender(Seq2SeqModel model, int beam, int batchSize, TokenNormalisation normalisation) {
        return new GenerativeRecommender(model, trie, prompts, beam, batchSize, tokenizer.padId(), normalisation);
    }

    static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            default -> throw new InputException("--device must be cpu or gpu, got " + name);
        };
    }

    /** Folder holding the weights to evaluate: best/ if a validation happened, else the latest checkpoint. */
    Path weightsDir() {
        Path best = dir.resolve("best");
        if (Files.isRegularFile(best.resolve("model.safetensors"))) {
            return best;
        }
        Path pointer = dir.resolve("checkpoint/LATEST");
        try {
            if (Files.isRegularFile(pointer)) {
                return dir.resolve("checkpoint").resolve(Files.readString(pointer).strip());
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + pointer + ": " + e.getMessage());
        }
        throw new InputException("run " + spec.name() + " has no trained weights yet (no best/ or checkpoint/)");
    }
}

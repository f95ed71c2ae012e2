package dev.siit.train;

import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.model.Seq2SeqModel;
import dev.siit.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The checkpoints of a run folder:
 * <pre>
 *   checkpoint/epoch-0007/  weights, optimizer.bin, state.json   (the last finished epoch)
 *   checkpoint/LATEST       "epoch-0007"
 *   best/                   weights and state.json of the best validation so far
 * </pre>
 * A checkpoint folder is filled under a temporary name and renamed into place, then LATEST is
 * replaced atomically, then older epochs are deleted: a kill at any moment leaves LATEST
 * naming a complete checkpoint.
 */
public final class Checkpoints {
    public static final String OPTIMIZER_FILE = "optimizer.bin";
    public static final String STATE_FILE = "state.json";

    private final Path dir;
    private final WeightsFormat weights;

    public Checkpoints(Path runDir, WeightsFormat weights) {
        this.dir = runDir;
        this.weights = weights;
    }

    public Path checkpointRoot() {
        return dir.resolve("checkpoint");
    }

    public Path bestDir() {
        return dir.resolve("best");
    }

    public WeightsFormat weightsFormat() {
        return weights;
    }

    /** Folder of the latest complete checkpoint, or null when there is none. */
    public Path latest() {
        Path pointer = checkpointRoot().resolve("LATEST");
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        try {
            Path p = checkpointRoot().resolve(Files.readString(pointer, StandardCharsets.UTF_8).strip());
            if (!Files.isDirectory(p)) {
                throw new InputException(pointer + " names " + p + ", which does not exist");
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the epoch's checkpoint (weights, optimizer, state) and makes it the latest. */
    public void write(Seq2SeqModel model, AdamW optimizer, TrainState state) {
        String name = String.format("epoch-%04d", state.epoch());
        Path root = checkpointRoot();
        Path tmp = root.resolve("." + name + ".tmp");
        Path target = root.resolve(name);
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            weights.save(model, tmp.resolve(weights.fileName()));
            OptimizerStateFile.save(optimizer, tmp.resolve(OPTIMIZER_FILE));
            state.save(tmp.resolve(STATE_FILE));
            deleteTree(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            AtomicFiles.writeString(root.resolve("LATEST"), name + "\n");
            try (Stream<Path> old = Files.list(root)) {
                for (Path p : old.toList()) {
                    String n = p.getFileName().toString();
                    if (Files.isDirectory(p) && n.startsWith("epoch-") && !n.equals(name)) {
                        deleteTree(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Saves the model as the best one so far, with the state that made it best. */
    public void writeBest(Seq2SeqModel model, TrainState state) {
        try {
            Files.createDirectories(bestDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // weights then state, each atomic: the state names the epoch of the weights beside it
        weights.save(model, bestDir().resolve(weights.fileName()));
        state.save(bestDir().resolve(STATE_FILE));
    }

    /** Loads the latest checkpoint into the model and optimizer and returns its state. */
    public TrainState restore(Seq2SeqModel model, AdamW optimizer) {
        Path p = latest();
        if (p == null) {
            throw new InputException("no checkpoint to resume from in " + checkpointRoot());
        }
        TrainState state = TrainState.load(p.resolve(STATE_FILE));
        weights.load(model, p.resolve(weights.fileName()));
        OptimizerStateFile.load(optimizer, p.resolve(OPTIMIZER_FILE));
        return state;
    }

    /** Loads the best weights (or, before any validation, the latest) into the model. */
    public Path loadBestOrLatest(Seq2SeqModel model) {
        Path best = bestDir().resolve(weights.fileName());
        if (Files.isRegularFile(best)) {
            weights.load(model, best);
            return best;
        }
        Path latest = latest();
        if (latest == null) {
            throw new InputException("run folder " + dir + " has no trained weights (no best/ and no checkpoint/)");
        }
        weights.load(model, latest.resolve(weights.fileName()));
        return latest.resolve(weights.fileName());
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

package dev.siit.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.AtomicFiles;
import dev.siit.io.VersionedJson;
import java.nio.file.Path;
import java.util.List;

/**
 * The rank of every user's target in one evaluation ({@code ranks-test.json} in a run folder).
 * Recall@k and NDCG@k of a user are functions of this rank alone, so two runs evaluated on the
 * same users can be compared later with {@link PairedComparison#of(String, UserRanks, UserRanks, int, long)}
 * without keeping their ranked lists.
 *
 * @param version {@link #VERSION}
 * @param split   {@code valid} or {@code test}
 * @param users   original user ids, in evaluation order
 * @param ranks   ranks[u] = 1-based rank of user u's target, 0 when it was not in the list
 */
public record UserRanks(int version, String split, List<String> users, int[] ranks) {
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    public UserRanks {
        if (users.size() != ranks.length) {
            throw new IllegalArgumentException(users.size() + " users for " + ranks.length + " ranks");
        }
        users = List.copyOf(users);
    }

    public static UserRanks of(EvaluationResult result, String split, List<String> users) {
        return new UserRanks(VERSION, split, users, result.ranks().clone());
    }

    /** Per-user values of {@code recall@k} or {@code ndcg@k}. */
    public double[] values(String metric) {
        return RankingMetrics.perUser(metric, ranks);
    }

    public void write(Path file) {
        AtomicFiles.write(file, out -> out.write(JSON.writeValueAsBytes(this)));
    }

    public static UserRanks read(Path file) {
        return VersionedJson.read(JSON, file, UserRanks.class, "ranks", UserRanks::version, VERSION);
    }
}

package io.shardeddb.operator.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.storage.RetireGate;
import io.shardeddb.protocol.shard.ChecksumResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which shards gone from the spec keep running: one that still owns a range of the
 * published layout, or takes part in the move in flight, is kept while resharding moves its rows
 * away (not a refusal); one that owns nothing is removed once its primary reports no rows (its last
 * move's purge is done) and, with backups on, once its archive holds its whole log ({@link
 * RetireGate}: kept, not refused, until then); it is kept, refused, while it still holds rows or
 * cannot be asked.
 */
public final class ShardRemovalGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ShardRemovalGuard.class);

  /** Why a shard the spec dropped is kept. */
  public enum Kind {
    /** It still holds rows, or cannot be shown empty: a refused removal (Degraded). */
    Refused,
    /** Resharding still moves its rows away: expected, not shown as a refusal. */
    Resharding,
    /**
     * Empty, but its archive does not hold its whole log yet ({@link RetireGate}): a wait
     * (Progressing), not a refusal.
     */
    AwaitingArchive
  }

  /** A shard the spec dropped but the operator keeps, why ({@code kind}) and the words for it. */
  public record Refusal(DesiredShard shard, String reason, Kind kind) {

    /** A refused removal. */
    public Refusal(DesiredShard shard, String reason) {
      this(shard, reason, Kind.Refused);
    }

    /** The shard's id. */
    public String id() {
      return shard.id();
    }
  }

  private static final String ARCHIVE_STATUS = "/backup/status";

  private final ShardServerClient client;
  private final ObjectMapper json = new ObjectMapper();

  /** Asks shard primaries through this client. */
  public ShardRemovalGuard(ShardServerClient client) {
    this.client = client;
  }

  /**
   * The shards in {@code previous} but not in {@code specIds} that must be kept; {@code resharding}
   * names the shards resharding still needs (owners in the published layout, the source and
   * destination of the move in flight); {@code backups}: spec.backup is set, so an empty shard also
   * waits for its archive.
   */
  public List<Refusal> refusals(
      List<ShardStatus> previous, Set<String> specIds, Set<String> resharding, boolean backups) {
    List<Refusal> refusals = new ArrayList<>();
    for (ShardStatus shard : previous) {
      if (specIds.contains(shard.id())) {
        continue;
      }
      int replicas = Math.max(1, shard.replicasOrEmpty().size());
      DesiredShard keep = new DesiredShard(shard.id(), replicas);
      if (resharding.contains(shard.id())) {
        refusals.add(
            new Refusal(
                keep,
                "shard "
                    + shard.id()
                    + " is kept until resharding has moved its rows to the shards of the spec",
                Kind.Resharding));
        continue;
      }
      String url =
          shard.replicasOrEmpty().stream()
              .filter(r -> r.pod().equals(shard.primary()))
              .map(ReplicaStatus::url)
              .findFirst()
              .orElse(null);
      if (shard.primary() == null || url == null) {
        // Never brought up, so it holds nothing.
        continue;
      }
      try {
        ChecksumResponse sum = client.checksum(url);
        if (sum.rows() > 0) {
          refusals.add(
              new Refusal(
                  keep,
                  "shard "
                      + shard.id()
                      + " was removed from the spec and owns no range, but still holds "
                      + sum.rows()
                      + " rows (rows outside what it owns are purged when a move ends); it is"
                      + " kept until it is empty"));
          continue;
        }
      } catch (ShardServerException e) {
        refusals.add(
            new Refusal(
                keep,
                "shard "
                    + shard.id()
                    + " cannot be shown to be empty (its primary did not answer: "
                    + e.getMessage()
                    + "); it is kept until it can"));
        continue;
      }
      if (RetireGate.decide(shard.id(), backups, archiveAnswers(shard))
          instanceof RetireGate.Wait wait) {
        refusals.add(new Refusal(keep, wait.message(), Kind.AwaitingArchive));
      }
    }
    return refusals;
  }

  /**
   * What the shard's replicas answer to {@code GET /backup/status}, the recorded primary first,
   * until one settles it ({@link RetireGate.Status#decisive}); each call is bounded by the client's
   * request timeout, so a store that hangs never holds the pass longer than that.
   */
  private List<RetireGate.Answer> archiveAnswers(ShardStatus shard) {
    List<RetireGate.Answer> answers = new ArrayList<>();
    List<ReplicaStatus> replicas =
        shard.replicasOrEmpty().stream()
            .filter(r -> r.url() != null)
            .sorted(Comparator.comparing((ReplicaStatus r) -> !r.pod().equals(shard.primary())))
            .toList();
    for (ReplicaStatus r : replicas) {
      RetireGate.Answer a;
      try {
        a =
            RetireGate.Answer.of(
                r.pod(),
                RetireGate.Status.of(json.readTree(client.getJson(r.url(), ARCHIVE_STATUS))));
      } catch (RuntimeException | JsonProcessingException e) {
        // A failed call (ShardServerException, bounded by the client's timeout) or a bad body.
        LOG.debug("archive status of {}: {}", r.pod(), e.toString());
        a = RetireGate.Answer.failed(r.pod(), e.getMessage());
      }
      answers.add(a);
      if (a.status() != null && a.status().decisive()) {
        break;
      }
    }
    return answers;
  }
}

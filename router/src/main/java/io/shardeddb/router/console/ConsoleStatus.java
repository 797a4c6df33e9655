package io.shardeddb.router.console;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.List;

/**
 * {@code GET /console/api/status}: what the web console shows, in one read-only document. The
 * shards and replicas are the topology the router routes by, joined with the operator's view (the
 * ShardedDatabase status, in Kubernetes mode) and the router's own heartbeats; {@code generation},
 * {@code conditions}, {@code moves} and {@code router} come from the resource and are null or empty
 * when the topology comes from a file or a standalone push.
 */
@Serdeable
public record ConsoleStatus(
    String database,
    String namespace,
    String source,
    long topologyVersion,
    String sharding,
    String writeQuorum,
    TableSchema schema,
    Long generation,
    Long observedGeneration,
    List<ConditionView> conditions,
    List<ShardView> shards,
    List<MoveView> moves,
    RouterView router,
    List<EventView> events,
    String eventsNote) {

  /** One condition of the resource (Ready, Degraded, Progressing, ...). */
  @Serdeable
  public record ConditionView(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  /**
   * One shard: its point range, the primary and epoch the router routes by, and each replica.
   * {@code readyReplicas} and {@code primaryUnavailableSince} are the operator's; {@code
   * bestWeightedMajority} Cabinet's, from the primary's heartbeat (null without weights); {@code
   * writes} what this router's writes to the shard counted so far (null before the first).
   */
  @Serdeable
  public record ShardView(
      String id,
      long low,
      long size,
      long epoch,
      String primary,
      Integer readyReplicas,
      String primaryUnavailableSince,
      List<ReplicaView> replicas,
      List<String> bestWeightedMajority,
      WritesView writes) {}

  /**
   * The writes the shard's primary acknowledged to this router since it started: calls, rows, and
   * the calls' latency per bucket ({@code counts[i]}: calls of at most {@code boundsMillis[i]}, and
   * longer than the bound before; the last entry counts the calls above every bound). Every count
   * only grows, so the console turns two samples into writes per second and a p99.
   */
  @Serdeable
  public record WritesView(long calls, long rows, List<Double> boundsMillis, List<Long> counts) {}

  /**
   * One replica. {@code health} sums it up: {@code healthy}, {@code not ready} (the operator says
   * so: catching up, copying, restarting), {@code unreachable} (the router's last heartbeat got no
   * answer) or {@code unknown} (nobody has seen it yet). {@code epoch} is the epoch the replica
   * itself reported; the other numbers are the operator's, else the router's heartbeat's. {@code
   * weight} and {@code ackLatencyMillis} are Cabinet's, as the shard's primary measures them (null
   * when it does not weigh the replica).
   */
  @Serdeable
  public record ReplicaView(
      String name,
      String url,
      String role,
      String health,
      Boolean ready,
      String state,
      Long epoch,
      Long appliedLsn,
      Long lagLsn,
      Integer copyProgress,
      Double weight,
      Double ackLatencyMillis) {}

  /** One resharding move and its progress (docs/resharding.md). */
  @Serdeable
  public record MoveView(
      String id,
      String source,
      String destination,
      long low,
      long size,
      String phase,
      boolean finished,
      Long rowsCopied,
      Long sourceLsn,
      Long pauseMillis,
      Integer attempt,
      String message) {}

  /** The routers' readiness as the operator records it. */
  @Serdeable
  public record RouterView(Integer readyReplicas, String endpoint) {}

  /**
   * One recent event: a Kubernetes Event on the resource ({@code source} {@code kubernetes}) or a
   * change this router observed itself ({@code source} {@code router}). {@code time} is RFC 3339.
   */
  @Serdeable
  public record EventView(String time, String source, String type, String reason, String message) {}
}

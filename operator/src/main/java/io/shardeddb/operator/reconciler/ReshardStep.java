package io.shardeddb.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.crd.CrdFreshness;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.reshard.Resharder;
import io.shardeddb.operator.reshard.ShardEndpoint;
import io.shardeddb.operator.status.PassReport;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ImportSource;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.topology.PointRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resharding step: starts, advances or aborts the one move in flight ({@link Resharder}), each
 * phase recorded in {@code status.resharding} before it is acted on ({@link StatusMoveRecorder},
 * the one status write inside a pass, which touches no condition). An outdated CRD (one that prunes
 * {@code status.resharding}) stops it: a move the status cannot record is neither started nor
 * continued. What happened is reported to the aggregate, which alone turns it into the Resharding
 * condition and its Warnings.
 */
final class ReshardStep {

  private static final Logger LOG = LoggerFactory.getLogger(ReshardStep.class);

  /**
   * The report for the aggregate, the layout published after the pass, the session floors it
   * published ({@link Resharder.Outcome#floors}), and how soon to look again (null: no sooner than
   * usual; a cut-over's fence pauses the range's writes).
   */
  record Report(
      PassReport.Resharding resharding,
      Map<String, PointRange> published,
      Map<String, LogPosition> floors,
      Duration lookAgainWithin) {}

  private final Resharder resharder;
  private final StoredStatusMonitor crd;

  ReshardStep(Resharder resharder, StoredStatusMonitor crd) {
    this.resharder = resharder;
    this.crd = crd;
  }

  Report step(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      WorkflowStep.Layout layout,
      List<ShardOutcome> outcomes) {
    return step(sdb, context, layout, outcomes, false);
  }

  /**
   * As above; {@code schemaChangeInFlight}: no move starts or advances while a schema change is in
   * flight (a move's import copies rows of one schema version, docs/sql.md), it waits for it.
   */
  Report step(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      WorkflowStep.Layout layout,
      List<ShardOutcome> outcomes,
      boolean schemaChangeInFlight) {
    Optional<CrdFreshness.Outdated> outdated = crd.outdated();
    Resharder.Outcome stepped =
        new Resharder.Outcome(layout.published(), null, null, List.of(), false);
    if (ShardedDatabaseResources.spec(sdb).initialized()
        && outdated.isEmpty()
        && !schemaChangeInFlight) {
      try {
        stepped =
            resharder.step(
                new Resharder.View(
                    generation(sdb),
                    layout.published(),
                    layout.target(),
                    layout.inFlight(),
                    endpoints(sdb, outcomes)),
                new StatusMoveRecorder(sdb, context, crd));
      } catch (StoredStatusMonitor.CrdOutdatedException e) {
        LOG.warn("resharding of {} stops: {}", sdb.getMetadata().getName(), e.getMessage());
        outdated = Optional.of(e.outdated());
      }
    }
    PassReport.Resharding report =
        new PassReport.Resharding(
            stepped.move(),
            stepped.blocked(),
            outdated.map(CrdFreshness.Outdated::message).orElse(null),
            stepped.events(),
            stepped.busy());
    return new Report(
        report,
        stepped.published(),
        stepped.floors(),
        stepped.fenceHeld() ? Resharder.FENCE_RECHECK : null);
  }

  /**
   * How to reach each shard this pass coordinated: primary first, whether it is Ready, and the pod
   * and certificate host at each URL (what an import from it expects there).
   */
  static Map<String, ShardEndpoint> endpoints(ShardedDatabase sdb, List<ShardOutcome> outcomes) {
    String db = sdb.getMetadata().getName();
    String ns = sdb.getMetadata().getNamespace();
    Map<String, ShardEndpoint> out = new HashMap<>();
    for (ShardOutcome o : outcomes) {
      ShardStatus s = o.status();
      String primaryUrl =
          s.primary() == null ? null : s.replica(s.primary()).map(ReplicaStatus::url).orElse(null);
      List<String> urls = new ArrayList<>();
      if (primaryUrl != null) {
        urls.add(primaryUrl);
      }
      s.replicasOrEmpty().stream()
          .map(ReplicaStatus::url)
          .filter(u -> u != null && !u.equals(primaryUrl))
          .forEach(urls::add);
      String service = ShardedDatabaseResources.shardServiceName(db, s.id());
      List<ImportSource> sources = new ArrayList<>();
      for (String url : urls) {
        s.replicasOrEmpty().stream()
            .filter(r -> url.equals(r.url()) && r.pod() != null)
            .findFirst()
            .ifPresent(
                r ->
                    sources.add(
                        new ImportSource(url, r.pod(), PeerNames.podHost(r.pod(), service, ns))));
      }
      out.put(
          s.id(),
          new ShardEndpoint(
              primaryUrl, List.copyOf(urls), o.phase() == ShardPhase.Ready, List.copyOf(sources)));
    }
    return out;
  }

  private static long generation(ShardedDatabase sdb) {
    Long g = sdb.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}

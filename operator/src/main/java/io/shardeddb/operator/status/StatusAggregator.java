package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.operator.api.v1alpha1.RouterStatus;
import io.shardeddb.operator.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.model.ShardedDatabaseResources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the shards' outcomes, refused removals and the router's readiness into the resource's
 * status: observedGeneration, Ready / Degraded / Progressing (through {@link Conditions}) and the
 * summary columns. Warns with an Event when a refusal or an invalid spec first appears.
 */
public final class StatusAggregator {

  /** The new status, whether the operator should look again soon, and whether a failover waits. */
  public record Result(ShardedDatabaseStatus status, boolean busy, boolean failoverPending) {}

  private static final Set<ShardPhase> STARTING =
      EnumSet.of(ShardPhase.AwaitingPods, ShardPhase.BringingUp);

  private final EventRecorder events;

  /** Records Events through {@code events}. */
  public StatusAggregator(EventRecorder events) {
    this.events = events;
  }

  /** The status of a database whose spec cannot be applied. */
  public Result invalid(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, List<String> problems, Instant now) {
    String message = String.join("; ", problems);
    boolean alreadyReported =
        previous
            .condition(ConditionType.Ready.name())
            .map(c -> "InvalidSpec".equals(c.getReason()) && message.equals(c.getMessage()))
            .orElse(false);
    if (!alreadyReported) {
      events.warning(sdb, "InvalidSpec", message);
    }
    List<DesiredCondition> desired =
        List.of(
            DesiredCondition.isFalse(ConditionType.Ready, "InvalidSpec", message),
            DesiredCondition.isFalse(
                ConditionType.Progressing, "InvalidSpec", "fix the spec to continue: " + message));
    return new Result(
        new ShardedDatabaseStatus(
            generation(sdb),
            Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now),
            previous.shardCount(),
            previous.replicas(),
            previous.shards(),
            previous.router()),
        false,
        false);
  }

  /** The status after a reconcile failed with {@code error} (retried by the SDK). */
  public ShardedDatabaseStatus failed(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, Exception error, Instant now) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    List<DesiredCondition> desired =
        List.of(
            DesiredCondition.isFalse(
                ConditionType.Ready, error.getClass().getSimpleName(), message));
    return new ShardedDatabaseStatus(
        previous.observedGeneration(),
        Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now),
        previous.shardCount(),
        previous.replicas(),
        previous.shards(),
        previous.router());
  }

  /** The status after a full reconcile. */
  public Result aggregate(
      ShardedDatabase sdb,
      ShardedDatabaseStatus previous,
      List<ShardOutcome> outcomes,
      List<String> refusals,
      RouterStatus router,
      Instant now) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    int routerWanted = spec.routerOrDefault().replicasOrDefault();
    boolean routerReady = router.readyReplicas() != null && router.readyReplicas() > 0;
    int readyReplicas = outcomes.stream().mapToInt(o -> readyOf(o.status())).sum();
    int desiredReplicas = outcomes.stream().mapToInt(ShardOutcome::desiredReplicas).sum();
    String summary =
        outcomes.size()
            + " shards, "
            + readyReplicas
            + "/"
            + desiredReplicas
            + " replicas ready, router "
            + Optional.ofNullable(router.readyReplicas()).orElse(0)
            + "/"
            + routerWanted;

    List<DesiredCondition> desired = new ArrayList<>();
    boolean busy;
    boolean failoverPending =
        outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.PrimaryUnavailable);
    if (!spec.initialized()) {
      desired.add(
          DesiredCondition.isFalse(
              ConditionType.Ready,
              "AwaitingInit",
              "no schema or shards yet: waiting for the router's /init (router "
                  + Optional.ofNullable(router.readyReplicas()).orElse(0)
                  + "/"
                  + routerWanted
                  + " ready)"));
      desired.add(DesiredCondition.isFalse(ConditionType.Degraded, "AsExpected", "nothing to do"));
      desired.add(
          routerReady
              ? DesiredCondition.isFalse(ConditionType.Progressing, "AwaitingInit", "router is up")
              : DesiredCondition.isTrue(
                  ConditionType.Progressing, "RouterStarting", "waiting for router pods"));
      busy = !routerReady;
    } else {
      List<String> notServing = new ArrayList<>();
      List<String> degraded = new ArrayList<>();
      List<String> progressing = new ArrayList<>();
      String readyReason = "AllShardsReady";
      for (ShardOutcome o : outcomes) {
        String line = "shard " + o.status().id() + ": " + o.message();
        int quorum = spec.writeQuorumOrDefault().required(Math.max(1, o.desiredReplicas()));
        boolean serving =
            o.status().primary() != null
                && primaryReady(o.status())
                && readyOf(o.status()) >= quorum
                && o.phase() != ShardPhase.NoQuorum
                && o.phase() != ShardPhase.PrimaryUnavailable;
        if (!serving) {
          notServing.add(line);
          readyReason = reasonFor(o.phase(), readyReason);
        }
        switch (o.phase()) {
          case AwaitingPods, BringingUp, Copying -> progressing.add(line);
          case PrimaryUnavailable -> {
            degraded.add(line);
            progressing.add(line);
          }
          case NoQuorum, Degraded -> degraded.add(line);
          case Ready -> {}
        }
      }
      if (!refusals.isEmpty()) {
        String joined = String.join("; ", refusals);
        boolean reported =
            previous
                .condition(ConditionType.Degraded.name())
                .map(
                    c ->
                        "ShardRemovalRefused".equals(c.getReason())
                            && joined.equals(c.getMessage()))
                .orElse(false);
        if (!reported) {
          events.warning(sdb, "ShardRemovalRefused", joined);
        }
        desired.add(DesiredCondition.isTrue(ConditionType.Degraded, "ShardRemovalRefused", joined));
        desired.add(DesiredCondition.isFalse(ConditionType.Ready, "ShardRemovalRefused", joined));
      } else if (!degraded.isEmpty()) {
        boolean noQuorum = outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.NoQuorum);
        boolean blockedBefore =
            previous
                .condition(ConditionType.Degraded.name())
                .map(c -> "NoQuorum".equals(c.getReason()))
                .orElse(false);
        if (noQuorum && !blockedBefore) {
          events.warning(sdb, "FailoverBlocked", String.join("; ", degraded));
        }
        desired.add(
            DesiredCondition.isTrue(
                ConditionType.Degraded,
                noQuorum ? "NoQuorum" : failoverPending ? "PrimaryUnavailable" : "ReplicasNotReady",
                String.join("; ", degraded)));
      } else {
        desired.add(DesiredCondition.isFalse(ConditionType.Degraded, "AsExpected", summary));
      }
      if (refusals.isEmpty()) {
        if (notServing.isEmpty() && routerReady) {
          desired.add(DesiredCondition.isTrue(ConditionType.Ready, "AllShardsReady", summary));
        } else if (notServing.isEmpty()) {
          desired.add(DesiredCondition.isFalse(ConditionType.Ready, "RouterNotReady", summary));
        } else {
          desired.add(
              DesiredCondition.isFalse(
                  ConditionType.Ready, readyReason, String.join("; ", notServing)));
        }
      }
      if (!progressing.isEmpty() || !routerReady) {
        boolean starting = outcomes.stream().anyMatch(o -> STARTING.contains(o.phase()));
        desired.add(
            DesiredCondition.isTrue(
                ConditionType.Progressing,
                starting
                    ? "BringingUp"
                    : failoverPending
                        ? "FailoverPending"
                        : progressing.isEmpty() ? "RouterStarting" : "Copying",
                progressing.isEmpty() ? summary : String.join("; ", progressing)));
      } else {
        desired.add(DesiredCondition.isFalse(ConditionType.Progressing, "Reconciled", summary));
      }
      busy = !progressing.isEmpty() || !routerReady || !notServing.isEmpty();
    }

    List<ShardStatus> shards = outcomes.stream().map(ShardOutcome::status).toList();
    List<Condition> conditions =
        Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now);
    ShardedDatabaseStatus status =
        new ShardedDatabaseStatus(
            generation(sdb),
            conditions,
            spec.shardsOrEmpty().size(),
            readyReplicas + "/" + desiredReplicas,
            shards,
            router);
    return new Result(status, busy, failoverPending);
  }

  private static String reasonFor(ShardPhase phase, String current) {
    String reason =
        switch (phase) {
          case AwaitingPods, BringingUp -> "BringingUp";
          case PrimaryUnavailable -> "PrimaryUnavailable";
          case NoQuorum -> "NoQuorum";
          case Copying, Degraded -> "ReplicasNotReady";
          case Ready -> "ReplicasNotReady";
        };
    // The most serious reason wins when shards differ.
    List<String> order =
        List.of(
            "NoQuorum", "PrimaryUnavailable", "BringingUp", "ReplicasNotReady", "AllShardsReady");
    return order.indexOf(reason) < order.indexOf(current) ? reason : current;
  }

  private static int readyOf(ShardStatus s) {
    return s.readyReplicas() == null ? 0 : s.readyReplicas();
  }

  private static boolean primaryReady(ShardStatus s) {
    return s.replica(s.primary()).map(r -> Boolean.TRUE.equals(r.ready())).orElse(false);
  }

  private static long generation(ShardedDatabase sdb) {
    Long g = sdb.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}

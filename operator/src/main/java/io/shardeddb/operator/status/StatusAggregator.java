package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregate step, the one owner of the resource's conditions: turns what a pass found and did
 * ({@link PassReport}: the shards' outcomes, refused removals, the router's readiness, the
 * resharding step's move, the volume resize, the security and archive inputs) into the status —
 * observedGeneration, Ready / Degraded / Progressing, Resharding, Insecure, ContinuousArchiving,
 * StorageResizing (all through one {@link Conditions#apply}) and the summary columns. Pure: the
 * Warnings due when a condition first says something (a refusal, a blocked failover, an invalid
 * spec, an outdated CRD, a blocked resharding, insecure settings) are returned as data, after the
 * Events the other steps hand over, for the caller to record.
 */
public final class StatusAggregator {

  /**
   * The new status, whether the operator should look again soon, whether a failover waits, and the
   * Events to record.
   */
  public record Result(
      ShardedDatabaseStatus status,
      boolean busy,
      boolean failoverPending,
      List<ShardEvent> events) {}

  private static final Set<ShardPhase> STARTING =
      EnumSet.of(ShardPhase.AwaitingPods, ShardPhase.BringingUp);

  /** The status of a database whose spec cannot be applied. */
  public Result invalid(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, List<String> problems, Instant now) {
    return refused(
        sdb, previous, problems, ConditionReason.InvalidSpec, EventReason.InvalidSpec, now);
  }

  /**
   * The status of a database none of whose objects is written because another database of its
   * namespace holds some of their names ({@code NameClash}).
   */
  public Result nameClash(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, List<String> clashes, Instant now) {
    return refused(sdb, previous, clashes, ConditionReason.NameClash, EventReason.NameClash, now);
  }

  private Result refused(
      ShardedDatabase sdb,
      ShardedDatabaseStatus previous,
      List<String> problems,
      ConditionReason reason,
      EventReason eventReason,
      Instant now) {
    String message = String.join("; ", problems);
    boolean alreadyReported = shows(previous, ConditionType.Ready, reason, message);
    List<ShardEvent> events =
        alreadyReported ? List.of() : List.of(new ShardEvent(eventReason, message));
    List<DesiredCondition> desired =
        List.of(
            DesiredCondition.isFalse(ConditionType.Ready, reason, message),
            DesiredCondition.isFalse(
                ConditionType.Progressing, reason, "fix the spec to continue: " + message));
    return new Result(
        previous
            .withObservedGeneration(generation(sdb))
            .withConditions(
                Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now)),
        false,
        false,
        events);
  }

  /** The status after a reconcile failed with {@code error} (retried by the SDK). */
  public ShardedDatabaseStatus failed(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, Exception error, Instant now) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    List<DesiredCondition> desired =
        List.of(
            DesiredCondition.isFalse(
                ConditionType.Ready, error.getClass().getSimpleName(), message));
    return previous.withConditions(
        Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now));
  }

  /** The status after a full pass. */
  public Result aggregate(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, PassReport pass, Instant now) {
    List<ShardOutcome> outcomes = pass.outcomes();
    List<String> refusals = pass.refusals();
    List<String> resizing = pass.resizing();
    RouterStatus router = pass.router();
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
    List<ShardEvent> events = new ArrayList<>();
    pass.refusedRequests().forEach(r -> events.add(refusalEvent(r)));
    boolean busy;
    boolean failoverPending =
        outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.PrimaryUnavailable);
    if (!spec.initialized()) {
      desired.add(
          DesiredCondition.isFalse(
              ConditionType.Ready,
              ConditionReason.AwaitingInit,
              "no schema or shards yet: waiting for the router's /init (router "
                  + Optional.ofNullable(router.readyReplicas()).orElse(0)
                  + "/"
                  + routerWanted
                  + " ready)"));
      desired.add(
          DesiredCondition.isFalse(
              ConditionType.Degraded, ConditionReason.AsExpected, "nothing to do"));
      desired.add(
          routerReady
              ? DesiredCondition.isFalse(
                  ConditionType.Progressing, ConditionReason.AwaitingInit, "router is up")
              : DesiredCondition.isTrue(
                  ConditionType.Progressing,
                  ConditionReason.RouterStarting,
                  "waiting for router pods"));
      busy = !routerReady;
    } else {
      List<String> notServing = new ArrayList<>();
      List<String> degraded = new ArrayList<>();
      List<String> progressing = new ArrayList<>();
      ConditionReason readyReason = ConditionReason.AllShardsReady;
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
            shows(previous, ConditionType.Degraded, ConditionReason.ShardRemovalRefused, joined);
        if (!reported) {
          events.add(new ShardEvent(EventReason.ShardRemovalRefused, joined));
        }
        desired.add(
            DesiredCondition.isTrue(
                ConditionType.Degraded, ConditionReason.ShardRemovalRefused, joined));
        desired.add(
            DesiredCondition.isFalse(
                ConditionType.Ready, ConditionReason.ShardRemovalRefused, joined));
      } else if (!degraded.isEmpty()) {
        boolean noQuorum = outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.NoQuorum);
        boolean blockedBefore =
            previous
                .condition(ConditionType.Degraded.name())
                .map(c -> ConditionReason.NoQuorum.name().equals(c.getReason()))
                .orElse(false);
        if (noQuorum && !blockedBefore) {
          events.add(new ShardEvent(EventReason.FailoverBlocked, String.join("; ", degraded)));
        }
        desired.add(
            DesiredCondition.isTrue(
                ConditionType.Degraded,
                noQuorum
                    ? ConditionReason.NoQuorum
                    : failoverPending
                        ? ConditionReason.PrimaryUnavailable
                        : ConditionReason.ReplicasNotReady,
                String.join("; ", degraded)));
      } else {
        desired.add(
            DesiredCondition.isFalse(ConditionType.Degraded, ConditionReason.AsExpected, summary));
      }
      if (refusals.isEmpty()) {
        if (notServing.isEmpty() && routerReady) {
          desired.add(
              DesiredCondition.isTrue(
                  ConditionType.Ready, ConditionReason.AllShardsReady, summary));
        } else if (notServing.isEmpty()) {
          desired.add(
              DesiredCondition.isFalse(
                  ConditionType.Ready, ConditionReason.RouterNotReady, summary));
        } else {
          desired.add(
              DesiredCondition.isFalse(
                  ConditionType.Ready, readyReason, String.join("; ", notServing)));
        }
      }
      boolean onlyResizing = progressing.isEmpty() && !resizing.isEmpty();
      progressing.addAll(resizing);
      String waiting = String.join("; ", resizing);
      if (!resizing.isEmpty()
          && !previous
              .condition(ConditionType.Progressing.name())
              .map(c -> c.getMessage() != null && c.getMessage().contains(waiting))
              .orElse(false)) {
        // The replicas past the new count stay until the staying ones hold every acknowledged
        // write (DESIGN §5 rule 12); say why the StatefulSet keeps them, once per reason.
        events.add(new ShardEvent(EventReason.ScaleDownWaiting, waiting));
      }
      if (!progressing.isEmpty() || !routerReady) {
        boolean starting = outcomes.stream().anyMatch(o -> STARTING.contains(o.phase()));
        desired.add(
            DesiredCondition.isTrue(
                ConditionType.Progressing,
                starting
                    ? ConditionReason.BringingUp
                    : failoverPending
                        ? ConditionReason.FailoverPending
                        : progressing.isEmpty()
                            ? ConditionReason.RouterStarting
                            : onlyResizing ? ConditionReason.ScalingDown : ConditionReason.Copying,
                progressing.isEmpty() ? summary : String.join("; ", progressing)));
      } else {
        desired.add(
            DesiredCondition.isFalse(
                ConditionType.Progressing, ConditionReason.Reconciled, summary));
      }
      busy = !progressing.isEmpty() || !routerReady || !notServing.isEmpty();
    }

    // The database's own conditions, from what the other steps report.
    PassReport.Resharding resharding = pass.resharding();
    desired.add(ReshardingCondition.of(resharding));
    DesiredCondition security = SecurityCondition.of(spec, pass.adminTokenMissing());
    desired.add(security);
    desired.add(ArchiveCondition.of(spec.backup() != null, pass.archiveStalls()));
    if (pass.storage().condition() != null) {
      desired.add(pass.storage().condition());
    }
    DesiredCondition ca = pass.ca().condition();
    if (ca != null) {
      desired.add(ca);
      boolean changed =
          !previous
              .condition(ConditionType.CertificateAuthority.name())
              .map(c -> ca.message().equals(c.getMessage()))
              .orElse(false);
      if (!ca.status() && changed) {
        events.add(new ShardEvent(EventReason.CaSecretUnusable, ca.message()));
      }
    }
    events.addAll(pass.ca().events());
    insecureEvent(previous, security).ifPresent(events::add);
    events.addAll(resharding.events());
    events.addAll(pass.storage().events());
    if (resharding.crdOutdated() != null
        && !previous
            .condition(ConditionType.Resharding.name())
            .map(c -> ConditionReason.CrdOutdated.name().equals(c.getReason()))
            .orElse(false)) {
      events.add(new ShardEvent(EventReason.CrdOutdated, resharding.crdOutdated()));
    }
    if (resharding.blocked() != null
        && !previous
            .condition(ConditionType.Resharding.name())
            .map(c -> resharding.blocked().equals(c.getMessage()))
            .orElse(false)) {
      events.add(new ShardEvent(EventReason.ReshardingBlocked, resharding.blocked()));
    }

    List<ShardStatus> shards = outcomes.stream().map(ShardOutcome::status).toList();
    List<Condition> conditions =
        Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now);
    ShardedDatabaseStatus status =
        previous.toBuilder()
            .observedGeneration(generation(sdb))
            .conditions(conditions)
            .shardCount(spec.shardsOrEmpty().size())
            .replicas(readyReplicas + "/" + desiredReplicas)
            .shards(shards)
            .router(router)
            .applied(pass.applied() == null ? previous.applied() : pass.applied())
            .requests(pass.requests() == null ? previous.requests() : pass.requests())
            .resharding(
                resharding.move() == null
                    ? previous.resharding()
                    : previous.reshardingOrEmpty().with(resharding.move()))
            .build();
    return new Result(
        status,
        busy || resharding.busy() || pass.storage().busy(),
        failoverPending,
        List.copyOf(events));
  }

  private static ShardEvent refusalEvent(RequestStatus r) {
    return new ShardEvent(
        r.type() == RequestStatus.Type.Promote
            ? EventReason.SwitchoverRefused
            : EventReason.RebuildRefused,
        r.message());
  }

  /** A Warning Event when the Insecure condition turns true or changes what it says. */
  private static Optional<ShardEvent> insecureEvent(
      ShardedDatabaseStatus previous, DesiredCondition now) {
    if (!now.status()) {
      return Optional.empty();
    }
    Optional<Condition> was = previous.condition(ConditionType.Insecure.name());
    if (was.isPresent()
        && "True".equals(was.get().getStatus())
        && was.get().getMessage().equals(now.message())) {
      return Optional.empty();
    }
    return Optional.of(new ShardEvent(EventReason.InsecureSettings, now.message()));
  }

  private static ConditionReason reasonFor(ShardPhase phase, ConditionReason current) {
    ConditionReason reason =
        switch (phase) {
          case AwaitingPods, BringingUp -> ConditionReason.BringingUp;
          case PrimaryUnavailable -> ConditionReason.PrimaryUnavailable;
          case NoQuorum -> ConditionReason.NoQuorum;
          case Copying, Degraded, Ready -> ConditionReason.ReplicasNotReady;
        };
    // The most serious reason wins when shards differ.
    List<ConditionReason> order =
        List.of(
            ConditionReason.NoQuorum,
            ConditionReason.PrimaryUnavailable,
            ConditionReason.BringingUp,
            ConditionReason.ReplicasNotReady,
            ConditionReason.AllShardsReady);
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

  /** Whether {@code previous} already shows condition {@code type} with this reason and message. */
  private static boolean shows(
      ShardedDatabaseStatus previous, ConditionType type, ConditionReason reason, String message) {
    return previous
        .condition(type.name())
        .map(c -> reason.name().equals(c.getReason()) && message.equals(c.getMessage()))
        .orElse(false);
  }
}

package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Ready, Degraded and Progressing from the shards' outcomes (pure), as {@link StatusAggregator}
 * asks for them: the pass in numbers ({@link Tally}), each shard's line filed by its phase ({@link
 * ShardLines}), then one function per condition, each returning a {@link Verdict}.
 */
final class ShardConditions {

  private static final Set<ShardPhase> STARTING =
      EnumSet.of(ShardPhase.AwaitingPods, ShardPhase.BringingUp);

  private ShardConditions() {}

  /**
   * The pass in numbers: replicas ready and wanted over every shard, shards with a ready primary,
   * the router's ready and wanted replicas, and whether a shard's primary is unavailable (a
   * failover waits).
   */
  record Tally(
      int readyReplicas,
      int desiredReplicas,
      int readyPrimaries,
      int routerReady,
      int routerWanted,
      int shards,
      boolean failoverPending) {

    static Tally of(List<ShardOutcome> outcomes, RouterStatus router, ShardedDatabaseSpec spec) {
      return new Tally(
          outcomes.stream().mapToInt(o -> readyOf(o.status())).sum(),
          outcomes.stream().mapToInt(ShardOutcome::desiredReplicas).sum(),
          (int)
              outcomes.stream()
                  .filter(o -> o.status().primary() != null && primaryReady(o.status()))
                  .count(),
          Optional.ofNullable(router.readyReplicas()).orElse(0),
          spec.routerOrDefault().replicasOrDefault(),
          outcomes.size(),
          outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.PrimaryUnavailable));
    }

    boolean routerUp() {
      return routerReady > 0;
    }

    String router() {
      return routerReady + "/" + routerWanted;
    }

    String replicas() {
      return readyReplicas + "/" + desiredReplicas;
    }

    /** The Primaries column: shards whose primary is ready over all shards, e.g. 2/2. */
    String primaries() {
      return readyPrimaries + "/" + shards;
    }

    /** The message of every condition that has nothing more particular to say. */
    String summary() {
      return shards + " shards, " + replicas() + " replicas ready, router " + router();
    }
  }

  /**
   * Each shard's line ({@code shard <id>: <message>}) filed by what its phase means: not serving
   * (no ready primary, fewer ready replicas than the write quorum, or no primary to elect),
   * degraded, progressing; the most serious reason among those not serving; whether a shard has no
   * quorum, and whether one is starting.
   */
  record ShardLines(
      List<String> notServing,
      List<String> degraded,
      List<String> progressing,
      ConditionReason readyReason,
      boolean noQuorum,
      boolean starting) {

    static ShardLines of(List<ShardOutcome> outcomes, ShardedDatabaseSpec spec) {
      List<String> notServing = new ArrayList<>();
      List<String> degraded = new ArrayList<>();
      List<String> progressing = new ArrayList<>();
      ConditionReason readyReason = ConditionReason.AllShardsReady;
      for (ShardOutcome o : outcomes) {
        String line = "shard " + o.status().id() + ": " + o.message();
        if (!serving(o, spec)) {
          notServing.add(line);
          readyReason = reasonFor(o.phase(), readyReason);
        }
        switch (o.phase()) {
          case AwaitingPods, BringingUp, Copying -> progressing.add(line);
          case PrimaryUnavailable -> {
            degraded.add(line);
            progressing.add(line);
          }
          case NoQuorum, Degraded, PrimaryFenced -> degraded.add(line);
          case Ready, Hibernated -> {}
        }
      }
      return new ShardLines(
          List.copyOf(notServing),
          List.copyOf(degraded),
          List.copyOf(progressing),
          readyReason,
          outcomes.stream().anyMatch(o -> o.phase() == ShardPhase.NoQuorum),
          outcomes.stream().anyMatch(o -> STARTING.contains(o.phase())));
    }
  }

  /**
   * Whether a shard takes writes: a ready primary, a write quorum of ready replicas, no election.
   */
  static boolean serving(ShardOutcome o, ShardedDatabaseSpec spec) {
    int quorum = spec.writeQuorumOrDefault().required(Math.max(1, o.desiredReplicas()));
    return o.status().primary() != null
        && primaryReady(o.status())
        && readyOf(o.status()) >= quorum
        && o.phase() != ShardPhase.NoQuorum
        && o.phase() != ShardPhase.PrimaryUnavailable
        && o.phase() != ShardPhase.PrimaryFenced
        && o.phase() != ShardPhase.Hibernated;
  }

  /**
   * A hibernated database: not Ready (nothing serves, by the user's wish), neither Degraded nor
   * Progressing, and nothing to look at soon.
   */
  static Verdict hibernated(Tally tally) {
    String message =
        "hibernated (shardeddb.io/hibernation: on): "
            + tally.shards()
            + " shards and the router at zero pods, volumes kept";
    return Verdict.of(
        DesiredCondition.isFalse(ConditionType.Ready, ConditionReason.Hibernated, message),
        DesiredCondition.isFalse(ConditionType.Degraded, ConditionReason.Hibernated, message),
        DesiredCondition.isFalse(ConditionType.Progressing, ConditionReason.Hibernated, message));
  }

  /** Before the router's {@code /init}: no shard yet, so only the router's pods can progress. */
  static Verdict awaitingInit(Tally tally) {
    return Verdict.of(
            DesiredCondition.isFalse(
                ConditionType.Ready,
                ConditionReason.AwaitingInit,
                "no schema or shards yet: waiting for the router's /init (router "
                    + tally.router()
                    + " ready)"),
            DesiredCondition.isFalse(
                ConditionType.Degraded, ConditionReason.AsExpected, "nothing to do"),
            tally.routerUp()
                ? DesiredCondition.isFalse(
                    ConditionType.Progressing, ConditionReason.AwaitingInit, "router is up")
                : DesiredCondition.isTrue(
                    ConditionType.Progressing,
                    ConditionReason.RouterStarting,
                    "waiting for router pods"))
        .busyIf(!tally.routerUp());
  }

  /**
   * Ready, Degraded and Progressing from the shards: a refused removal outranks the shards'
   * Degraded and Ready; busy while anything progresses, the router is not up or a shard does not
   * serve.
   */
  static Verdict of(
      ShardedDatabaseStatus previous, PassReport pass, ShardedDatabaseSpec spec, Tally tally) {
    ShardLines lines = ShardLines.of(pass.outcomes(), spec);
    Verdict degradedAndReady =
        pass.refusals().isEmpty()
            ? degraded(previous, lines, tally).and(ready(lines, tally))
            : removalRefused(previous, pass.refusals());
    return degradedAndReady
        .and(
            progressing(
                previous, lines, pass.resizing(), pass.retireWaits(), pass.schemaWaits(), tally))
        .busyIf(!lines.notServing().isEmpty());
  }

  /** A refused shard removal: Degraded and not Ready, with one Warning per new message. */
  static Verdict removalRefused(ShardedDatabaseStatus previous, List<String> refusals) {
    String joined = String.join("; ", refusals);
    boolean reported =
        StatusAggregator.shows(
            previous, ConditionType.Degraded, ConditionReason.ShardRemovalRefused, joined);
    return Verdict.of(
            DesiredCondition.isTrue(
                ConditionType.Degraded, ConditionReason.ShardRemovalRefused, joined),
            DesiredCondition.isFalse(
                ConditionType.Ready, ConditionReason.ShardRemovalRefused, joined))
        .warnIf(!reported, EventReason.ShardRemovalRefused, joined);
  }

  /** Degraded from the shards, with a FailoverBlocked Warning when a shard first has no quorum. */
  static Verdict degraded(ShardedDatabaseStatus previous, ShardLines lines, Tally tally) {
    if (lines.degraded().isEmpty()) {
      return Verdict.of(
          DesiredCondition.isFalse(
              ConditionType.Degraded, ConditionReason.AsExpected, tally.summary()));
    }
    String joined = String.join("; ", lines.degraded());
    boolean blockedBefore =
        previous
            .condition(ConditionType.Degraded.name())
            .map(c -> ConditionReason.NoQuorum.name().equals(c.getReason()))
            .orElse(false);
    ConditionReason reason =
        lines.noQuorum()
            ? ConditionReason.NoQuorum
            : tally.failoverPending()
                ? ConditionReason.PrimaryUnavailable
                : ConditionReason.ReplicasNotReady;
    return Verdict.of(DesiredCondition.isTrue(ConditionType.Degraded, reason, joined))
        .warnIf(lines.noQuorum() && !blockedBefore, EventReason.FailoverBlocked, joined);
  }

  /** Ready when every shard serves and the router is up; else why not. */
  static Verdict ready(ShardLines lines, Tally tally) {
    if (!lines.notServing().isEmpty()) {
      return Verdict.of(
          DesiredCondition.isFalse(
              ConditionType.Ready, lines.readyReason(), String.join("; ", lines.notServing())));
    }
    return Verdict.of(
        tally.routerUp()
            ? DesiredCondition.isTrue(
                ConditionType.Ready, ConditionReason.AllShardsReady, tally.summary())
            : DesiredCondition.isFalse(
                ConditionType.Ready, ConditionReason.RouterNotReady, tally.summary()));
  }

  /**
   * Progressing from the shards and the shrinks waiting ({@code resizing}), with a ScaleDownWaiting
   * Warning when a wait first shows: the replicas past the new count stay until the staying ones
   * hold every acknowledged write (DESIGN §5 rule 12); busy while anything progresses or the router
   * is not up.
   */
  static Verdict progressing(
      ShardedDatabaseStatus previous, ShardLines lines, List<String> resizing, Tally tally) {
    return progressing(previous, lines, resizing, List.of(), List.of(), tally);
  }

  /**
   * As above, with the shards merged away that are kept until their archive holds their log ({@code
   * retireWaits}): they progress too (reason RetireWaitsForArchive when nothing else does); their
   * Normal Event is the reconciler's ({@code RetireGate.announce}); and a wanted schema change not
   * started yet ({@code schemaWaits}, reason SchemaChangeWaits when nothing else progresses), with
   * one Normal Event when its message is new.
   */
  static Verdict progressing(
      ShardedDatabaseStatus previous,
      ShardLines lines,
      List<String> resizing,
      List<String> retireWaits,
      List<String> schemaWaits,
      Tally tally) {
    List<String> progressing =
        Verdict.concat(
            Verdict.concat(Verdict.concat(lines.progressing(), resizing), retireWaits),
            schemaWaits);
    String schemaWaiting = String.join("; ", schemaWaits);
    boolean schemaWaitShown =
        previous
            .condition(ConditionType.Progressing.name())
            .map(c -> c.getMessage() != null && c.getMessage().contains(schemaWaiting))
            .orElse(false);
    String waiting = String.join("; ", resizing);
    boolean waitShown =
        previous
            .condition(ConditionType.Progressing.name())
            .map(c -> c.getMessage() != null && c.getMessage().contains(waiting))
            .orElse(false);
    boolean moving = !progressing.isEmpty() || !tally.routerUp();
    DesiredCondition condition =
        moving
            ? DesiredCondition.isTrue(
                ConditionType.Progressing,
                progressingReason(lines, resizing, retireWaits, schemaWaits, tally),
                progressing.isEmpty() ? tally.summary() : String.join("; ", progressing))
            : DesiredCondition.isFalse(
                ConditionType.Progressing, ConditionReason.Reconciled, tally.summary());
    return Verdict.of(condition)
        .warnIf(!resizing.isEmpty() && !waitShown, EventReason.ScaleDownWaiting, waiting)
        .warnIf(
            !schemaWaits.isEmpty() && !schemaWaitShown,
            EventReason.SchemaChangeWaiting,
            schemaWaiting)
        .busyIf(moving);
  }

  /** Why the database progresses: the first of starting, failover, router, shrink, copy. */
  static ConditionReason progressingReason(ShardLines lines, List<String> resizing, Tally tally) {
    return progressingReason(lines, resizing, List.of(), List.of(), tally);
  }

  /**
   * Why the database progresses: the first of starting, failover, copy, shrink, a merged-away
   * shard's archive, a schema change waiting, router.
   */
  static ConditionReason progressingReason(
      ShardLines lines,
      List<String> resizing,
      List<String> retireWaits,
      List<String> schemaWaits,
      Tally tally) {
    if (lines.starting()) {
      return ConditionReason.BringingUp;
    }
    if (tally.failoverPending()) {
      return ConditionReason.FailoverPending;
    }
    if (!lines.progressing().isEmpty()) {
      return ConditionReason.Copying;
    }
    if (!resizing.isEmpty()) {
      return ConditionReason.ScalingDown;
    }
    if (!retireWaits.isEmpty()) {
      return ConditionReason.RetireWaitsForArchive;
    }
    return schemaWaits.isEmpty()
        ? ConditionReason.RouterStarting
        : ConditionReason.SchemaChangeWaits;
  }

  static ConditionReason reasonFor(ShardPhase phase, ConditionReason current) {
    ConditionReason reason =
        switch (phase) {
          case AwaitingPods, BringingUp -> ConditionReason.BringingUp;
          case PrimaryUnavailable -> ConditionReason.PrimaryUnavailable;
          case NoQuorum -> ConditionReason.NoQuorum;
          case Copying, Degraded, Ready -> ConditionReason.ReplicasNotReady;
          case PrimaryFenced -> ConditionReason.PrimaryFenced;
          case Hibernated -> ConditionReason.Hibernated;
        };
    // The most serious reason wins when shards differ.
    List<ConditionReason> order =
        List.of(
            ConditionReason.Hibernated,
            ConditionReason.NoQuorum,
            ConditionReason.PrimaryFenced,
            ConditionReason.PrimaryUnavailable,
            ConditionReason.BringingUp,
            ConditionReason.ReplicasNotReady,
            ConditionReason.AllShardsReady);
    return order.indexOf(reason) < order.indexOf(current) ? reason : current;
  }

  static int readyOf(ShardStatus s) {
    return s.readyReplicas() == null ? 0 : s.readyReplicas();
  }

  private static boolean primaryReady(ShardStatus s) {
    return s.replica(s.primary()).map(r -> Boolean.TRUE.equals(r.ready())).orElse(false);
  }
}

package io.shardeddb.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The aggregate step, the one owner of the resource's conditions: turns what a pass found and did
 * ({@link PassReport}: the shards' outcomes, refused removals, the router's readiness, the
 * resharding step's move, the volume resize, the security and archive inputs) into the status —
 * observedGeneration, Ready / Degraded / Progressing, Resharding, Insecure, ContinuousArchiving,
 * StorageResizing (all through one {@link Conditions#apply}) and the summary columns. Pure: the
 * Warnings due when a condition first says something (a refusal, a blocked failover, an invalid
 * spec, an outdated CRD, a blocked resharding, insecure settings) are returned as data, after the
 * Events the other steps hand over, for the caller to record.
 *
 * <p>{@link #aggregate} reads like a table of contents: each step is a function of values that
 * returns a {@link Verdict} (conditions, Warnings, busy), the shards' in {@link ShardConditions},
 * the database's own here; the verdicts are joined in order and applied once.
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

  /**
   * The status after a full pass, as a table of contents: the pass in numbers, the shards'
   * conditions (or the wait for {@code /init}), the database's own conditions, then the status.
   */
  public Result aggregate(
      ShardedDatabase sdb, ShardedDatabaseStatus previous, PassReport pass, Instant now) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    ShardConditions.Tally tally = ShardConditions.Tally.of(pass.outcomes(), pass.router(), spec);
    Verdict refusedRequests =
        Verdict.events(
            pass.refusedRequests().stream().map(StatusAggregator::refusalEvent).toList());
    Verdict shards =
        pass.holds().hibernated()
            ? ShardConditions.hibernated(tally)
            : spec.initialized()
                ? ShardConditions.of(previous, pass, spec, tally)
                : ShardConditions.awaitingInit(tally);
    Verdict all =
        refusedRequests
            .and(shards)
            .and(databaseConditions(previous, spec, pass))
            .and(HoldConditions.of(previous, pass.holds()));
    ShardedDatabaseStatus status = status(sdb, previous, pass, spec, tally, all.conditions(), now);
    return new Result(status, all.busy(), tally.failoverPending(), all.events());
  }

  /**
   * The database's own conditions, from what the other steps report: Resharding, Insecure,
   * ContinuousArchiving, StorageResizing and CertificateAuthority, with their Warnings.
   */
  static Verdict databaseConditions(
      ShardedDatabaseStatus previous, ShardedDatabaseSpec spec, PassReport pass) {
    PassReport.Resharding resharding = pass.resharding();
    DesiredCondition security = SecurityCondition.of(spec, pass.adminTokenMissing());
    List<DesiredCondition> conditions = new ArrayList<>();
    conditions.add(ReshardingCondition.of(resharding));
    conditions.add(security);
    conditions.add(ArchiveCondition.of(spec.backup() != null, pass.archiveStalls()));
    Optional.ofNullable(pass.storage().condition()).ifPresent(conditions::add);
    Optional.ofNullable(pass.ca().condition()).ifPresent(conditions::add);
    List<ShardEvent> events = new ArrayList<>(caEvents(previous, pass.ca()));
    insecureEvent(previous, security).ifPresent(events::add);
    events.addAll(resharding.events());
    events.addAll(pass.storage().events());
    events.addAll(reshardingWarnings(previous, resharding));
    return new Verdict(
        List.copyOf(conditions), List.copyOf(events), resharding.busy() || pass.storage().busy());
  }

  /**
   * A CaSecretUnusable Warning when the CA condition turns false with a new message; the step's.
   */
  static List<ShardEvent> caEvents(ShardedDatabaseStatus previous, PassReport.Ca ca) {
    DesiredCondition condition = ca.condition();
    List<ShardEvent> events = new ArrayList<>();
    if (condition != null
        && !condition.status()
        && !previous
            .condition(ConditionType.CertificateAuthority.name())
            .map(c -> condition.message().equals(c.getMessage()))
            .orElse(false)) {
      events.add(new ShardEvent(EventReason.CaSecretUnusable, condition.message()));
    }
    events.addAll(ca.events());
    return events;
  }

  /**
   * CrdOutdated and ReshardingBlocked Warnings, each when the Resharding condition first says so.
   */
  static List<ShardEvent> reshardingWarnings(
      ShardedDatabaseStatus previous, PassReport.Resharding resharding) {
    Optional<Condition> was = previous.condition(ConditionType.Resharding.name());
    List<ShardEvent> events = new ArrayList<>();
    if (resharding.crdOutdated() != null
        && !was.map(c -> ConditionReason.CrdOutdated.name().equals(c.getReason())).orElse(false)) {
      events.add(new ShardEvent(EventReason.CrdOutdated, resharding.crdOutdated()));
    }
    if (resharding.blocked() != null
        && !was.map(c -> resharding.blocked().equals(c.getMessage())).orElse(false)) {
      events.add(new ShardEvent(EventReason.ReshardingBlocked, resharding.blocked()));
    }
    return events;
  }

  /** The new status: the conditions applied, the summary columns, what the pass recorded. */
  private static ShardedDatabaseStatus status(
      ShardedDatabase sdb,
      ShardedDatabaseStatus previous,
      PassReport pass,
      ShardedDatabaseSpec spec,
      ShardConditions.Tally tally,
      List<DesiredCondition> desired,
      Instant now) {
    MoveStatus move = pass.resharding().move();
    return previous.toBuilder()
        .observedGeneration(generation(sdb))
        .conditions(Conditions.apply(previous.conditionsOrEmpty(), desired, generation(sdb), now))
        .shardCount(spec.shardsOrEmpty().size())
        .replicas(tally.replicas())
        .primaries(tally.primaries())
        .shards(pass.outcomes().stream().map(ShardOutcome::status).toList())
        .router(pass.router())
        .applied(pass.applied() == null ? previous.applied() : pass.applied())
        .requests(pass.requests() == null ? previous.requests() : pass.requests())
        .resharding(move == null ? previous.resharding() : previous.reshardingOrEmpty().with(move))
        .build();
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

  private static long generation(ShardedDatabase sdb) {
    Long g = sdb.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /** Whether {@code previous} already shows condition {@code type} with this reason and message. */
  static boolean shows(
      ShardedDatabaseStatus previous, ConditionType type, ConditionReason reason, String message) {
    return previous
        .condition(type.name())
        .map(c -> reason.name().equals(c.getReason()) && message.equals(c.getMessage()))
        .orElse(false);
  }
}

package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.replication.rules.CopyState;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Applies {@code POST /role} and {@code POST /fence} (DESIGN §5 rules 1 and 2) as decided by {@link
 * EpochRules}: persists first, switches with no group commit in flight, and abandons the
 * secondary's work against a former primary.
 */
@Singleton
public class RoleService {
  private final ReplicaContext ctx;
  private final RoleStore roles;
  private final WriteCoordinator coordinator;
  private final SecondarySync sync;
  private final Rulebook rules;
  private final TlsFactory.ServerTls tls;

  public RoleService(
      ReplicaContext ctx,
      RoleStore roles,
      WriteCoordinator coordinator,
      SecondarySync sync,
      Rulebook rules) {
    this(ctx, roles, coordinator, sync, rules, new TlsFactory.ServerTls(Optional.empty()));
  }

  /** As above; each accepted role's peers are the pods {@code tls}'s peer calls expect. */
  @Inject
  public RoleService(
      ReplicaContext ctx,
      RoleStore roles,
      WriteCoordinator coordinator,
      SecondarySync sync,
      Rulebook rules,
      TlsFactory.ServerTls tls) {
    this.ctx = ctx;
    this.roles = roles;
    this.coordinator = coordinator;
    this.sync = sync;
    this.rules = rules;
    this.tls = tls;
  }

  public synchronized MessageResponse assign(RoleRequest r) {
    validate(r);
    WriteQuorum quorum = r.writeQuorum() == null ? WriteQuorum.Majority : r.writeQuorum();
    boolean changed =
        coordinator.whileNoCommit(
            () -> {
              ReplicaContext.View v = ctx.view();
              // Rule 7: a begun re-copy holds nothing and is never a candidate.
              CopyState self = reported(v);
              EpochRules.RoleVerdict verdict =
                  rules.role(
                      ctx.epochs(),
                      r.epoch(),
                      r.primary().name(),
                      r.role() == Role.Primary,
                      self.copying());
              if (verdict.accept() && r.role() == Role.Primary) {
                // Checked against the log as it is now, with no commit in flight, and before
                // anything is persisted: a refusal changes nothing, not even the vote.
                verdict =
                    rules.primaryPosition(
                        new LogPosition(self.lastEntryEpoch(), self.appliedLsn()), r.chosenAt());
              }
              if (!verdict.accept()) {
                throw new ShardException(
                    409, verdict.reason() + " (" + ctx.name() + ")", v.epoch());
              }
              boolean repeat =
                  r.epoch() == v.epoch()
                      && v.role() == r.role()
                      && !v.fenced()
                      && r.primary().equals(v.primary())
                      && v.peers().equals(r.peers())
                      && v.quorum() == quorum
                      && v.specReplicas() == r.replicas()
                      // A primary's learners are part of its term (rule 12); a secondary's are
                      // nothing to it.
                      && (r.role() != Role.Primary || coordinator.learners().equals(r.learners()));
              if (repeat) {
                return false;
              }
              roles.assign(r.epoch(), r.role(), r.primary(), r.peers(), quorum, r.replicas());
              // Before anything is sent to them: each peer is expected at its address.
              tls.expectPeers(peersOf(r));
              if (r.role() == Role.Primary) {
                ctx.markVerified(r.epoch());
                coordinator.becomePrimary(r.learners(), r.leaseHandedOver());
              } else {
                coordinator.stepDown(
                    ShardException.conflict(
                        "not primary: primary is "
                            + r.primary().name()
                            + " (epoch "
                            + r.epoch()
                            + ")"));
              }
              return true;
            });
    if (changed) {
      // Abandon any call still waiting on a former primary; a secondary starts over at once.
      sync.restart();
    }
    return MessageResponse.success(describe(r));
  }

  /**
   * {@code POST /fence}: persists a higher epoch (durable before the answer), steps a primary down
   * (waiting writes fail 409 "not primary") and answers how far this replica's log goes.
   */
  public synchronized FenceResponse fence(FenceRequest f) {
    if (f == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (f.epoch() < 1) {
      throw new InvalidRequestException("field 'epoch' must be at least 1, got " + f.epoch());
    }
    EpochRules.Fence decision = EpochRules.fence(ctx.epochs(), f.epoch());
    boolean handsOverLease = false;
    switch (decision) {
      case REFUSE -> {
        long seen = ctx.view().epoch();
        throw new ShardException(
            409,
            "stale fence: epoch "
                + f.epoch()
                + " is lower than epoch "
                + seen
                + " already seen by "
                + ctx.name(),
            seen);
      }
      case RAISE -> {
        handsOverLease =
            coordinator.whileNoCommit(
                () -> {
                  // Asked before the fence, under the same lock as it: from the fence on, this
                  // replica's term is closed and it serves no lease read (rule 9).
                  boolean handsOver = coordinator.handsOverLease(sync.sinceContactNanos());
                  roles.fence(f.epoch());
                  coordinator.stepDown(
                      ShardException.conflict(
                          "not primary: " + ctx.name() + " was fenced by epoch " + f.epoch()));
                  return handsOver;
                });
        sync.restart();
      }
      case REPEAT -> {
        // Already at this epoch (a duplicate, or the fence arrived after the new role): no change.
      }
    }
    ReplicaContext.View v = ctx.view();
    // Rule 7: a begun re-copy answers Copying at 0/0, so the operator neither counts nor chooses
    // it (the Rulebook seam lets the simulator break exactly this answer).
    CopyState now = new CopyState(ctx.copying(), v.appliedLsn(), v.lastEntryEpoch());
    CopyState self = rules.reportedCopyState(now, sync.heldBeforeCopy());
    ReplicaState state = ctx.state();
    if (now.copying() && !self.copying() && state == ReplicaState.Copying) {
      state = v.fenced() ? ReplicaState.Fenced : ReplicaState.CatchingUp;
    }
    return new FenceResponse(
        ctx.name(), v.epoch(), self.lastEntryEpoch(), self.appliedLsn(), state, handsOverLease);
  }

  /**
   * As {@link #reported}, what {@code GET /heartbeat} says: also, on a secondary, how long ago it
   * last heard from its primary and whether it reports it lost (rule 11, {@link
   * SecondarySync#withPrimaryContact}).
   */
  public Heartbeat reportedWithContact(Heartbeat h) {
    return sync.withPrimaryContact(reported(h));
  }

  /**
   * {@code GET /heartbeat}'s report of this replica (the operator decides from heartbeats whether a
   * fence could find a majority holding data, rule 2): its copy state and position as {@link
   * Rulebook#reportedCopyState} says (rule 7) — {@code h} itself unless a broken rulebook lies.
   */
  public Heartbeat reported(Heartbeat h) {
    ReplicaContext.View v = ctx.view();
    CopyState now = new CopyState(ctx.copying(), h.appliedLsn(), h.lastEntryEpoch());
    CopyState self = rules.reportedCopyState(now, sync.heldBeforeCopy());
    if (self.equals(now)) {
      return h;
    }
    ReplicaState state = h.state();
    if (now.copying() && !self.copying() && state == ReplicaState.Copying) {
      state = v.fenced() ? ReplicaState.Fenced : ReplicaState.Ready;
    }
    return h.withPosition(self.appliedLsn(), self.lastEntryEpoch(), state);
  }

  /** What this replica says of its copy state and position (rule 7, {@link Rulebook}). */
  private CopyState reported(ReplicaContext.View v) {
    return rules.reportedCopyState(
        new CopyState(ctx.copying(), v.appliedLsn(), v.lastEntryEpoch()), sync.heldBeforeCopy());
  }

  /** Every replica {@code r} names: its primary, voters and learners. */
  private static List<Peer> peersOf(RoleRequest r) {
    List<Peer> all = new java.util.ArrayList<>(r.peers());
    all.add(r.primary());
    all.addAll(r.learners());
    return all;
  }

  private String describe(RoleRequest r) {
    return ctx.name() + " is " + r.role() + " for epoch " + r.epoch();
  }

  private void validate(RoleRequest r) {
    if (r == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (r.role() == null || r.role() == Role.None) {
      throw new InvalidRequestException("field 'role' must be Primary or Secondary");
    }
    if (r.epoch() < 1) {
      throw new InvalidRequestException("field 'epoch' must be at least 1, got " + r.epoch());
    }
    if (r.replicas() < 0) {
      throw new InvalidRequestException(
          "field 'replicas' must be the spec's replica count, got " + r.replicas());
    }
    if (r.primary() == null || blank(r.primary().name()) || blank(r.primary().url())) {
      throw new InvalidRequestException("missing field 'primary' ({\"name\":..,\"url\":..})");
    }
    List<Peer> peers = r.peers();
    if (peers == null) {
      throw new InvalidRequestException("missing field 'peers'");
    }
    for (Peer p : peers) {
      if (p == null || blank(p.name()) || blank(p.url())) {
        throw new InvalidRequestException("every entry of 'peers' needs a name and a url");
      }
    }
    for (Peer p : r.learners()) {
      if (p == null || blank(p.name()) || blank(p.url())) {
        throw new InvalidRequestException("every entry of 'learners' needs a name and a url");
      }
      if (peers.stream().anyMatch(v -> v.name().equals(p.name()))) {
        throw new InvalidRequestException(
            "replica " + p.name() + " is listed both as a voting peer and as a learner");
      }
    }
    boolean self = r.primary().name().equals(ctx.name());
    if (r.learners().stream().anyMatch(p -> p.name().equals(r.primary().name()))) {
      // Rule 12: a learner is never elected; only a voter may lead.
      throw new InvalidRequestException(
          "primary '" + r.primary().name() + "' is listed as a learner; only a voter may lead");
    }
    if (r.role() == Role.Primary && !self) {
      throw new InvalidRequestException(
          "role Primary names primary '"
              + r.primary().name()
              + "', not this replica "
              + ctx.name());
    }
    if (r.role() == Role.Secondary && self) {
      throw new InvalidRequestException(
          "role Secondary names this replica " + ctx.name() + " as the primary");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}

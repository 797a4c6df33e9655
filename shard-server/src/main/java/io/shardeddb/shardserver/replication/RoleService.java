package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Applies {@code POST /role}: refuses a lower epoch (this is what fences an old primary), treats a
 * repeat of the current role as a no-op, and switches the replica between primary and secondary.
 */
@Singleton
public class RoleService {
  private final ReplicaContext ctx;
  private final RoleStore roles;
  private final WriteCoordinator coordinator;
  private final SecondarySync sync;

  public RoleService(
      ReplicaContext ctx, RoleStore roles, WriteCoordinator coordinator, SecondarySync sync) {
    this.ctx = ctx;
    this.roles = roles;
    this.coordinator = coordinator;
    this.sync = sync;
  }

  public synchronized MessageResponse assign(RoleRequest r) {
    validate(r);
    WriteQuorum quorum = r.writeQuorum() == null ? WriteQuorum.Majority : r.writeQuorum();
    ReplicaContext.View v = ctx.view();
    if (r.epoch() < v.epoch()) {
      throw new ShardException(
          409,
          "stale role: epoch "
              + r.epoch()
              + " is lower than epoch "
              + v.epoch()
              + " already seen by "
              + ctx.name(),
          v.epoch());
    }
    if (r.epoch() == v.epoch() && v.role() != Role.None) {
      boolean sameRole =
          v.role() == r.role() && v.primary() != null && v.primary().equals(r.primary());
      if (!sameRole) {
        throw new ShardException(
            409,
            "conflicting role for epoch "
                + r.epoch()
                + ": "
                + ctx.name()
                + " already is "
                + v.role()
                + " under primary "
                + (v.primary() == null ? "none" : v.primary().name()),
            v.epoch());
      }
      if (v.peers().equals(r.peers()) && v.quorum() == quorum) {
        return MessageResponse.success(describe(r));
      }
    }
    roles.assign(r.epoch(), r.role(), r.primary(), r.peers(), quorum);
    if (r.role() == Role.Primary) {
      ctx.markVerified(r.epoch());
      coordinator.becomePrimary();
    } else {
      coordinator.stepDown(
          ShardException.conflict(
              "not primary: primary is " + r.primary().name() + " (epoch " + r.epoch() + ")"));
      sync.trigger();
    }
    return MessageResponse.success(describe(r));
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
    boolean self = r.primary().name().equals(ctx.name());
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

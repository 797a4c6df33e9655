package io.shardeddb.router.console;

import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changed between two topologies the router routed by, as events a person reads: a new primary
 * (with both epochs), an epoch that grew with the same primary, shards and replicas that came or
 * went. Pure; {@link ClusterEvents} records what it returns.
 */
public final class TopologyChanges {

  /** One change: a CamelCase reason, Normal or Warning, and a sentence. */
  public record Change(String type, String reason, String message) {}

  private TopologyChanges() {}

  /** The changes from {@code before} to {@code after}, shard by shard in {@code after}'s order. */
  public static List<Change> between(Topology before, Topology after) {
    List<Change> changes = new ArrayList<>();
    Map<String, ShardTopology> old = byId(before.shards(), ShardTopology::id);
    for (ShardTopology now : after.shards()) {
      ShardTopology was = old.remove(now.id());
      if (was == null) {
        changes.add(
            new Change(
                "Normal",
                "ShardAdded",
                now.id()
                    + " now routed: points ["
                    + now.low()
                    + ", "
                    + (now.low() + now.size())
                    + "), primary "
                    + now.primary()
                    + " at epoch "
                    + now.epoch()));
        continue;
      }
      if (was.primary() == null && now.primary() != null) {
        changes.add(
            new Change(
                "Normal",
                "PrimaryElected",
                now.id() + ": primary " + now.primary() + " at epoch " + now.epoch()));
      } else if (!Objects.equals(was.primary(), now.primary())) {
        changes.add(
            new Change(
                "Warning",
                "PrimaryChanged",
                now.id()
                    + ": primary "
                    + was.primary()
                    + " (epoch "
                    + was.epoch()
                    + ") -> "
                    + now.primary()
                    + " (epoch "
                    + now.epoch()
                    + ")"));
      } else if (was.epoch() != now.epoch()) {
        changes.add(
            new Change(
                "Normal",
                "EpochChanged",
                now.id()
                    + ": epoch "
                    + was.epoch()
                    + " -> "
                    + now.epoch()
                    + ", primary still "
                    + now.primary()));
      }
      if (was.low() != now.low() || was.size() != now.size()) {
        changes.add(
            new Change(
                "Normal",
                "RangeChanged",
                now.id()
                    + ": points ["
                    + was.low()
                    + ", "
                    + (was.low() + was.size())
                    + ") -> ["
                    + now.low()
                    + ", "
                    + (now.low() + now.size())
                    + ")"));
      }
      Map<String, Replica> replicas = byId(was.replicas(), Replica::name);
      for (Replica r : now.replicas()) {
        Replica prior = replicas.remove(r.name());
        if (prior == null) {
          changes.add(
              new Change("Normal", "ReplicaAdded", now.id() + ": replica " + r.name() + " added"));
        } else if (!Objects.equals(prior.url(), r.url())) {
          changes.add(
              new Change(
                  "Normal",
                  "ReplicaMoved",
                  now.id() + ": replica " + r.name() + " now at " + r.url()));
        }
      }
      for (Replica gone : replicas.values()) {
        changes.add(
            new Change(
                "Normal", "ReplicaRemoved", now.id() + ": replica " + gone.name() + " removed"));
      }
    }
    for (ShardTopology gone : old.values()) {
      changes.add(new Change("Normal", "ShardRemoved", gone.id() + " is no longer routed to"));
    }
    return changes;
  }

  private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
    return items.stream()
        .collect(
            Collectors.toMap(id, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
  }
}

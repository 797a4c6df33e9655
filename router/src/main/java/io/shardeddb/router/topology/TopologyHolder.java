package io.shardeddb.router.topology;

import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds the router's current topology as an immutable {@link RoutingTable}. Requests read it
 * without locking; a change replaces it atomically and wakes every request waiting for a newer one
 * (a write retrying after a failover).
 */
@Singleton
public class TopologyHolder {

  /** The table plus the future the next change completes. */
  private record State(RoutingTable table, boolean loaded, CompletableFuture<RoutingTable> next) {}

  private final AtomicReference<State> state;

  @Inject
  public TopologyHolder(RouterSettings settings) {
    this(settings.database());
  }

  /** A holder of database {@code database}'s topology, empty until a source publishes one. */
  public TopologyHolder(String database) {
    Topology empty = new Topology(database, 0, null, null, List.of(), Map.of());
    this.state =
        new AtomicReference<>(new State(new RoutingTable(empty), false, new CompletableFuture<>()));
  }

  /** The current routing table. */
  public RoutingTable current() {
    return state.get().table();
  }

  /** Whether a source has delivered a topology (an empty one awaiting /init counts). */
  public boolean loaded() {
    return state.get().loaded();
  }

  /** Marks the current topology as delivered by its source, without changing it. */
  public void markLoaded() {
    State s;
    do {
      s = state.get();
      if (s.loaded()) {
        return;
      }
    } while (!state.compareAndSet(s, new State(s.table(), true, s.next())));
  }

  /**
   * Installs a pushed topology whose version must be higher than the current one.
   *
   * @throws StaleTopologyException when it is not
   */
  public RoutingTable accept(Topology topology) {
    RoutingTable table = new RoutingTable(topology);
    while (true) {
      State s = state.get();
      if (topology.version() <= s.table().version()) {
        throw new StaleTopologyException(topology.version(), s.table().version());
      }
      if (swap(s, table)) {
        return table;
      }
    }
  }

  /**
   * Installs the topology {@code change} derives from the current one, with the next version
   * number; used by the sources and the admin operations, which own the version sequence.
   */
  public RoutingTable publish(UnaryOperator<Topology> change) {
    while (true) {
      State s = state.get();
      Topology t = change.apply(s.table().topology());
      Topology versioned = t.withVersion(s.table().version() + 1);
      RoutingTable table = new RoutingTable(versioned);
      if (swap(s, table)) {
        return table;
      }
    }
  }

  /**
   * Completes with the first routing table newer than {@code version}: at once when the current one
   * already is, else at the next change.
   */
  public CompletableFuture<RoutingTable> newerThan(long version) {
    State s = state.get();
    if (s.table().version() > version) {
      return CompletableFuture.completedFuture(s.table());
    }
    return s.next();
  }

  private boolean swap(State s, RoutingTable table) {
    State next = new State(table, true, new CompletableFuture<>());
    if (state.compareAndSet(s, next)) {
      s.next().complete(table);
      return true;
    }
    return false;
  }
}

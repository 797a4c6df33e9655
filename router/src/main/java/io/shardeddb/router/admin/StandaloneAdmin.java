package io.shardeddb.router.admin;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.shardeddb.protocol.failover.Candidate;
import io.shardeddb.protocol.failover.Election;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The admin endpoints without Kubernetes: a fixed pool of shard-servers is handed out one per
 * (server, shard) pair; each gets {@code POST /config} and then {@code POST /role} (the first
 * replica of a shard is its primary). Removing the primary's server elects a new primary by the
 * same rule as the operator ({@link FailoverPlanner}): every replica is fenced at a new epoch and,
 * once a majority answered, the most up-to-date remaining replica is chosen from those answers.
 * Removed shard-servers are fenced, then retired, never reused, because they still hold their old
 * shard's rows. Operations run one at a time on the blocking pool.
 *
 * <p>Why this file is over 450 lines: init, add, remove and the election on removing a primary are
 * one serialized sequence over the same pool and topology; the planning of layouts is pure and
 * apart in {@link LayoutPlanner}.
 */
// Eager: in standalone mode this bean is the topology's source, so readiness must not wait for it.
@Context
@Requires(
    property = "shardeddb.router.topology.source",
    value = "standalone",
    defaultValue = "standalone")
public class StandaloneAdmin implements ClusterAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneAdmin.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** A fence or a heartbeat during an election: a hung replica costs this, not the operation. */
  private static final Duration ELECTION_CALL_TIMEOUT = Duration.ofSeconds(5);

  /** One pool member's assignment: the assignment server name and the shard it stores. */
  private record Member(String server, String shard) {}

  private final TopologyHolder holder;
  private final ShardServerClient client;
  private final ExecutorService blocking;
  private final List<String> pool;
  private final WriteQuorum quorum;
  private final Map<String, Member> assigned = new LinkedHashMap<>();
  private final Set<String> retired = new HashSet<>();

  @Inject
  public StandaloneAdmin(
      TopologyHolder holder,
      ShardServerClient client,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
      RouterSettings settings) {
    this(
        holder,
        client,
        blocking,
        settings.standalone().shardServers(),
        settings.standalone().writeQuorum());
  }

  /** An admin over this pool of shard-server URLs, writing with {@code quorum}. */
  public StandaloneAdmin(
      TopologyHolder holder,
      ShardServerClient client,
      ExecutorService blocking,
      List<String> pool,
      WriteQuorum quorum) {
    this.holder = holder;
    this.client = client;
    this.blocking = blocking;
    this.pool =
        pool.stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
            .toList();
    this.quorum = quorum;
    holder.markLoaded();
  }

  @Override
  public CompletableFuture<MessageResponse> init(DatabaseConfig config) {
    return serialized(
        () -> {
          Topology current = holder.current().topology();
          if (current.isInitialized()) {
            throw new ApiException(
                409, "database is already configured; change it with /add and /rm");
          }
          if (quorum == WriteQuorum.One) {
            // As the CRD and the operator refuse spec.writeQuorum One: a write the primary
            // alone holds is lost with it.
            throw new ApiException(
                400,
                "shardeddb.router.standalone.write-quorum One is not allowed: a write the primary"
                    + " alone holds is lost with it; use Majority (or All)");
          }
          Layout layout = LayoutPlanner.init(config, tableName(current.database()));
          Map<String, List<Slot>> slots = allocate(layout.servers());
          List<ShardTopology> shards = new ArrayList<>();
          for (ShardDoc doc : layout.shards()) {
            shards.add(startShard(layout.schema(), doc, slots.get(doc.id())));
          }
          holder.publish(
              t ->
                  new Topology(t.database(), 0, layout.schema(), quorum, shards, layout.servers()));
          return MessageResponse.success("Configured Database");
        });
  }

  @Override
  public CompletableFuture<AddResponse> add(AddRequest request) {
    return serialized(
        () -> {
          Topology current = requireInitialized();
          LayoutPlanner.Added plan = LayoutPlanner.add(Layout.of(current), request);
          Map<String, List<String>> newServers = new LinkedHashMap<>();
          plan.servers().forEach(s -> newServers.put(s, plan.layout().servers().get(s)));
          Map<String, List<Slot>> slots = allocate(newServers);
          List<ShardTopology> shards = new ArrayList<>();
          for (ShardDoc doc : plan.layout().shards()) {
            List<Slot> added = slots.getOrDefault(doc.id(), List.of());
            ShardTopology existing = current.shard(doc.id()).orElse(null);
            if (existing == null) {
              shards.add(startShard(current.schema(), doc, added));
            } else if (added.isEmpty()) {
              shards.add(existing);
            } else {
              for (Slot s : added) {
                configure(current.schema(), doc, s);
              }
              List<Replica> replicas = new ArrayList<>(existing.replicas());
              added.forEach(s -> replicas.add(new Replica(s.name(), s.url(), Role.Secondary)));
              shards.add(assignRoles(existing, existing.primary(), replicas, existing.epoch() + 1));
            }
          }
          publish(shards, plan.layout().servers());
          return new AddResponse(
              plan.layout().servers().size(),
              LayoutPlanner.addMessage(plan.servers()),
              MessageResponse.SUCCESSFUL);
        });
  }

  @Override
  public CompletableFuture<RemoveResponse> remove(RemoveRequest request) {
    return serialized(
        () -> {
          Topology current = requireInitialized();
          LayoutPlanner.Removed plan = LayoutPlanner.remove(Layout.of(current), request);
          Set<String> goneUrls = new HashSet<>();
          assigned.forEach(
              (url, m) -> {
                if (plan.servers().contains(m.server())) {
                  goneUrls.add(url);
                }
              });
          List<ShardTopology> shards = new ArrayList<>();
          for (ShardTopology shard : current.shards()) {
            List<Replica> kept =
                shard.replicas().stream().filter(r -> !goneUrls.contains(r.url())).toList();
            if (kept.size() == shard.replicas().size()) {
              shards.add(shard);
              continue;
            }
            List<Replica> removed =
                shard.replicas().stream().filter(r -> goneUrls.contains(r.url())).toList();
            ShardTopology next =
                kept.stream().anyMatch(r -> r.name().equals(shard.primary()))
                    ? assignRoles(shard, shard.primary(), kept, shard.epoch() + 1)
                    : elect(shard, kept);
            for (Replica r : removed) {
              // Fence the removed replica so it stops accepting writes or replication of the
              // old epoch (already done when it took part in an election).
              bestEffort(client.fence(r.url(), new FenceRequest(next.epoch())));
            }
            shards.add(next);
          }
          goneUrls.forEach(
              u -> {
                assigned.remove(u);
                retired.add(u);
              });
          publish(shards, plan.layout().servers());
          return new RemoveResponse(
              new RemoveResponse.Removed(plan.layout().servers().size(), plan.servers()),
              MessageResponse.SUCCESSFUL);
        });
  }

  /** A pool member chosen to hold one shard for one server, with its shard-server name. */
  private record Slot(String server, String url, String name) {}

  private Map<String, List<Slot>> allocate(Map<String, List<String>> servers) {
    int needed = servers.values().stream().mapToInt(List::size).sum();
    List<String> free =
        pool.stream().filter(u -> !assigned.containsKey(u) && !retired.contains(u)).toList();
    if (free.size() < needed) {
      throw new ApiException(
          503,
          "the shard-server pool has "
              + free.size()
              + " free servers but "
              + needed
              + " replicas are needed (shardeddb.router.standalone.shard-servers)");
    }
    Map<String, List<Slot>> byShard = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, List<String>> e : servers.entrySet()) {
      for (String shard : e.getValue()) {
        String url = free.get(i++);
        Heartbeat hb = await(client.heartbeat(url));
        String name = hb.name() == null || hb.name().isBlank() ? url : hb.name();
        byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(new Slot(e.getKey(), url, name));
      }
    }
    byShard.forEach(
        (shard, list) -> list.forEach(s -> assigned.put(s.url(), new Member(s.server(), shard))));
    return byShard;
  }

  private ShardTopology startShard(TableSchema schema, ShardDoc doc, List<Slot> slots) {
    for (Slot s : slots) {
      configure(schema, doc, s);
    }
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      replicas.add(new Replica(s.name(), s.url(), i == 0 ? Role.Primary : Role.Secondary));
    }
    ShardTopology fresh = new ShardTopology(doc.id(), doc.low(), doc.size(), 0, null, replicas);
    return assignRoles(fresh, replicas.get(0).name(), replicas, 1, false, LogPosition.EMPTY);
  }

  private void configure(TableSchema schema, ShardDoc doc, Slot slot) {
    await(
        client.config(
            slot.url(),
            new ShardConfigRequest(
                schema.toContract(),
                List.of(doc.id()),
                schema.table(),
                schema.shardKey(),
                doc.low(),
                doc.size(),
                // The assignment's /init has no sharding: a standalone database is range-sharded.
                Sharding.Range,
                List.of(new PointRange(doc.low(), doc.size())))));
  }

  /**
   * Sends {@code /role} at {@code epoch} to every replica (primary first, so secondaries find it
   * ready) and returns the shard as the router should now see it.
   */
  private ShardTopology assignRoles(
      ShardTopology shard, String primary, List<Replica> replicas, long epoch) {
    return assignRoles(shard, primary, replicas, epoch, false, null);
  }

  /**
   * The same; {@code afterElection}: only the primary's {@code /role} must succeed, the
   * secondaries' are best effort. {@code chosenAt}: the log position the primary was chosen for
   * (its fence answer; 0/0 at bring-up; null: none named), which it refuses to lead without.
   */
  private ShardTopology assignRoles(
      ShardTopology shard,
      String primary,
      List<Replica> replicas,
      long epoch,
      boolean afterElection,
      LogPosition chosenAt) {
    List<Replica> roled =
        replicas.stream()
            .map(
                r ->
                    new Replica(
                        r.name(),
                        r.url(),
                        r.name().equals(primary) ? Role.Primary : Role.Secondary))
            .sorted(Comparator.comparing(r -> r.role() == Role.Primary ? 0 : 1))
            .toList();
    Replica p = roled.get(0);
    List<Peer> peers = roled.stream().map(StandaloneAdmin::peer).toList();
    for (Replica r : roled) {
      RoleRequest request = new RoleRequest(epoch, r.role(), peer(p), peers, quorum, peers.size());
      Mono<String> call =
          client.role(
              r.url(),
              r.role() == Role.Primary && chosenAt != null ? request.chosenAt(chosenAt) : request);
      if (r.role() == Role.Primary || !afterElection) {
        await(call);
      } else {
        // After an election the new primary already serves: one unreachable secondary must not
        // undo the operation; it learns its role when it is next assigned one.
        bestEffort(call);
      }
    }
    return new ShardTopology(shard.id(), shard.low(), shard.size(), epoch, primary, roled);
  }

  /**
   * Fence-then-choose (DESIGN §5 rule 2) when the primary's server is removed: fence every replica
   * (the removed ones too: they were part of the set writes were acknowledged by, so they vote) at
   * one above every epoch seen, and choose among the remaining replicas that answered. Refuses with
   * 503 rather than guess.
   */
  private ShardTopology elect(ShardTopology shard, List<Replica> kept) {
    List<Long> seen = new ArrayList<>();
    for (Replica r : shard.replicas()) {
      try {
        Heartbeat hb = client.heartbeat(r.url()).block(ELECTION_CALL_TIMEOUT);
        if (hb != null) {
          seen.add(hb.epoch());
        }
      } catch (RuntimeException e) {
        // Silent replicas are fenced below anyway; a higher epoch they hold makes them refuse.
      }
    }
    long epoch = FailoverPlanner.fenceEpoch(shard.epoch(), seen);
    List<Candidate> answers = new ArrayList<>();
    for (Replica r : shard.replicas()) {
      long start = System.nanoTime();
      try {
        FenceResponse f =
            client.fence(r.url(), new FenceRequest(epoch)).block(ELECTION_CALL_TIMEOUT);
        if (f != null) {
          answers.add(
              Candidate.of(f, r.name(), Duration.ofNanos(System.nanoTime() - start), 0, null));
        }
      } catch (RuntimeException e) {
        // Unreachable, timed out or refused: it does not count toward the majority.
      }
    }
    Set<String> remaining = new HashSet<>();
    kept.forEach(r -> remaining.add(r.name()));
    Election result =
        FailoverPlanner.choose(epoch, shard.replicas().size(), answers, remaining::contains);
    if (result instanceof Election.Elected won) {
      // The operator records why in a FailoverCompleted event; here the log is the only record.
      LOG.info("shard {}: elected {}: {}", shard.id(), won.winner().name(), won.reason());
      return assignRoles(shard, won.winner().name(), kept, epoch, true, positionOf(won.winner()));
    }
    String why =
        result instanceof Election.Behind behind
            ? behind.describe() + "; retry once the replicas caught up"
            : ((Election.NoQuorum) result).describe();
    // Nobody new may be chosen. If the replica that is ahead (or the old primary) answered the
    // fence, it was the last primary and holds every acknowledged write: it stays primary at the
    // new epoch, so the fence did not leave the shard without one.
    String reinstate =
        result instanceof Election.Behind behind
            ? behind.ahead().name()
            : answers.stream().anyMatch(c -> c.name().equals(shard.primary()))
                ? shard.primary()
                : null;
    if (reinstate != null) {
      LogPosition at =
          answers.stream()
              .filter(c -> c.name().equals(reinstate))
              .findFirst()
              .map(StandaloneAdmin::positionOf)
              .orElse(null);
      ShardTopology reinstated = assignRoles(shard, reinstate, shard.replicas(), epoch, true, at);
      holder.publish(
          t ->
              t.withShards(
                  t.shards().stream().map(x -> x.id().equals(shard.id()) ? reinstated : x).toList(),
                  t.servers()));
    }
    throw new ApiException(
        503, "cannot remove the primary of shard " + shard.id() + " now: " + why);
  }

  /** Publishes {@code shards} and {@code servers} under the current schema and write quorum. */
  private void publish(List<ShardTopology> shards, Map<String, List<String>> servers) {
    holder.publish(t -> t.withShards(shards, servers));
  }

  private Topology requireInitialized() {
    Topology current = holder.current().topology();
    if (!current.isInitialized()) {
      throw new ApiException(409, "database is not configured yet; call /init first");
    }
    return current;
  }

  private static LogPosition positionOf(Candidate c) {
    return new LogPosition(c.lastEntryEpoch(), c.lastLsn());
  }

  private static Peer peer(Replica r) {
    return new Peer(r.name(), r.url());
  }

  private static String tableName(String database) {
    String t = database == null ? "data" : database.replaceAll("[^A-Za-z0-9_]", "_");
    return t.isEmpty() || Character.isDigit(t.charAt(0)) ? "t_" + t : t;
  }

  private static <T> T await(Mono<T> call) {
    try {
      return call.block(CALL_TIMEOUT);
    } catch (ShardServerException e) {
      throw new ApiException(
          e.retriable() ? 503 : 502, "shard-server " + e.url() + " refused: " + e.getMessage());
    } catch (IllegalStateException e) {
      throw new ApiException(503, "a shard-server did not answer within " + CALL_TIMEOUT);
    }
  }

  private static void bestEffort(Mono<?> call) {
    try {
      call.block(CALL_TIMEOUT);
    } catch (RuntimeException e) {
      // The replica is being removed; if it is unreachable it cannot accept writes either.
    }
  }

  private <T> CompletableFuture<T> serialized(Supplier<T> op) {
    return CompletableFuture.supplyAsync(
        () -> {
          synchronized (this) {
            return op.get();
          }
        },
        blocking);
  }
}

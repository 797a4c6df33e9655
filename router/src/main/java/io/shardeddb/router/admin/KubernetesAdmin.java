package io.shardeddb.router.admin;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.topology.KubernetesTopologySource;
import io.shardeddb.router.topology.ShardedDatabaseTopology;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The admin endpoints in a cluster: each becomes a layout request (schema, shards with their
 * replica counts, the server names) in the object the operator validates and merges into the
 * ShardedDatabase's {@code spec} ({@link LayoutRequestChannel}); the router itself cannot write the
 * resource. The reply waits for the operator's answer (a refusal is a 400), then until the operator
 * reports the generation that carries the layout Ready — each wait bounded, then 504.
 */
@Singleton
@Requires(property = "shardeddb.router.topology.source", value = "kubernetes")
public class KubernetesAdmin implements ClusterAdmin {
  private final KubernetesTopologySource source;
  private final TopologyHolder holder;
  private final LayoutRequestChannel requests;
  private final ExecutorService blocking;
  private final Duration readyTimeout;

  public KubernetesAdmin(
      KubernetesTopologySource source,
      TopologyHolder holder,
      LayoutRequestChannel requests,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
      RouterSettings settings) {
    this.source = source;
    this.holder = holder;
    this.requests = requests;
    this.blocking = blocking;
    this.readyTimeout = settings.admin().readyTimeout();
  }

  @Override
  public CompletableFuture<MessageResponse> init(DatabaseConfig config) {
    return change(
        current -> {
          if (current.isInitialized()) {
            throw new ApiException(
                409, "database is already configured; change it with /add and /rm");
          }
          Layout layout = LayoutPlanner.init(config, tableName(current));
          // A String key (the first column a String) needs the database's Hash sharding.
          layout
              .schema()
              .requirePlaceableUnder(ShardedDatabaseResources.spec(current()).sharding());
          return layout;
        },
        layout -> MessageResponse.success("Configured Database"));
  }

  @Override
  public CompletableFuture<String> createTable(TableSchema schema) {
    return change(
        current -> {
          if (current.isInitialized()) {
            throw new ApiException(
                409,
                "this database has table "
                    + current.schema().table()
                    + " already; another table is added on every shard as a change of its"
                    + " tables (docs/sql.md, \"More tables\")");
          }
          ShardedDatabase latest = current();
          ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(latest);
          int replicas =
              spec.replicas() == null ? ShardedDatabaseSpec.DEFAULT_REPLICAS : spec.replicas();
          return LayoutPlanner.createTable(schema, spec.sharding(), replicas);
        },
        layout ->
            "Table "
                + layout.schema().table()
                + " created: "
                + layout.shards().size()
                + " shards of "
                + layout.replicasOf(layout.shards().get(0).id())
                + " replicas");
  }

  @Override
  public CompletableFuture<AddResponse> add(AddRequest request) {
    List<String> added = new ArrayList<>();
    return change(
        current -> {
          LayoutPlanner.Added plan = LayoutPlanner.add(Layout.of(requireInit(current)), request);
          added.addAll(plan.servers());
          return plan.layout();
        },
        layout ->
            new AddResponse(
                layout.servers().size(),
                LayoutPlanner.addMessage(added),
                MessageResponse.SUCCESSFUL));
  }

  @Override
  public CompletableFuture<RemoveResponse> remove(RemoveRequest request) {
    List<String> removed = new ArrayList<>();
    return change(
        current -> {
          LayoutPlanner.Removed plan =
              LayoutPlanner.remove(Layout.of(requireInit(current)), request);
          removed.addAll(plan.servers());
          return plan.layout();
        },
        layout ->
            new RemoveResponse(
                new RemoveResponse.Removed(layout.servers().size(), List.copyOf(removed)),
                MessageResponse.SUCCESSFUL));
  }

  @Override
  public CompletableFuture<Long> changeTables(TableSet next) {
    // As the spec will hold it: the wait below compares it with status.applied.schema.
    TableSet wanted = SchemaSpec.of(next).toTableSet();
    return CompletableFuture.supplyAsync(
        () -> {
          synchronized (this) {
            ShardedDatabase now = current();
            Topology applied = requireInit(ShardedDatabaseTopology.from(now));
            SchemaSpec inSpec = ShardedDatabaseResources.spec(now).schema();
            if (inSpec != null && !inSpec.toTableSet().equals(applied.tableSet())) {
              throw new ApiException(
                  409,
                  "another schema change is in flight (status.schemaChange); retry once it is"
                      + " applied");
            }
            Layout before = Layout.of(applied);
            Layout layout = new Layout(wanted.first(), before.shards(), before.servers());
            String id = requests.send(requestFor(now, layout, wanted.others()));
            LayoutRequest.Answer answer = requests.await(id, readyTimeout);
            if (answer.outcome() != LayoutRequest.Outcome.Accepted) {
              throw new ApiException(400, "the operator refused the change: " + answer.message());
            }
          }
          return awaitApplied(wanted);
        },
        blocking);
  }

  /**
   * Waits (bounded) until the status says every shard applied {@code next} and this router routes
   * by it (so the client's next statement here finds a created table, and no longer a dropped one):
   * its version, or a 504 naming where to look.
   */
  private long awaitApplied(TableSet next) {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      ShardedDatabase now = current();
      AppliedSpec applied = now.getStatus() == null ? null : now.getStatus().applied();
      if (applied != null
          && applied.schema() != null
          && applied.schema().toTableSet().equals(next)
          && next.equals(holder.current().topology().tableSet())) {
        return applied.schemaVersionOrOne();
      }
      if (System.nanoTime() > deadline) {
        throw new ApiException(
            504,
            "the schema change was accepted but not applied on every shard within "
                + readyTimeout.toSeconds()
                + " s; status.schemaChange says what holds it (it goes on)");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "interrupted while waiting for the schema change");
      }
    }
  }

  /**
   * Plans the new layout from the resource as the API server has it now, sends it to the operator
   * as a layout request, waits (bounded) for the operator's answer — a refusal is a 400 naming the
   * problem — then waits for Ready at the generation that carries it and builds the reply.
   */
  private <T> CompletableFuture<T> change(
      Function<Topology, Layout> plan, Function<Layout, T> reply) {
    return CompletableFuture.supplyAsync(
            () -> {
              // One request at a time from this router: the next one plans from the spec the
              // operator merged this one into.
              synchronized (this) {
                ShardedDatabase now = current();
                Layout layout = plan.apply(ShardedDatabaseTopology.from(now));
                String id = requests.send(requestFor(now, layout));
                LayoutRequest.Answer answer = requests.await(id, readyTimeout);
                if (answer.outcome() != LayoutRequest.Outcome.Accepted) {
                  throw new ApiException(
                      400, "the operator refused the change: " + answer.message());
                }
                long generation = answer.generation() == null ? 0L : answer.generation();
                return new Object[] {layout, generation};
              }
            },
            blocking)
        .thenCompose(
            p ->
                source
                    .whenReady((Long) p[1])
                    .orTimeout(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle(
                        (r, e) -> {
                          if (e instanceof TimeoutException) {
                            throw new ApiException(
                                504,
                                "the change was accepted but the operator did not report the"
                                    + " ShardedDatabase Ready (generation "
                                    + p[1]
                                    + ") within "
                                    + readyTimeout.toSeconds()
                                    + " s");
                          }
                          return reply.apply((Layout) p[0]);
                        }));
  }

  /** The router's ShardedDatabase as the API server has it now (not the informer's copy). */
  private ShardedDatabase current() {
    ShardedDatabase now;
    try {
      now = source.resource().get();
    } catch (KubernetesClientException e) {
      throw new ApiException(503, "cannot read the ShardedDatabase: " + e.getMessage());
    }
    if (now == null) {
      throw new ApiException(
          503, "the router's ShardedDatabase does not exist (yet) in the cluster");
    }
    return now;
  }

  /**
   * The layout request for {@code layout}, planned from {@code r}: the fields the router owns
   * (schema, shards with their replica counts, server names); the operator merges them into the
   * spec and keeps every other field.
   */
  static LayoutRequest requestFor(ShardedDatabase r, Layout layout) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(r);
    // The layout names the first table; the database's other tables stay as the spec has them
    // (a layout request without them would ask the operator to drop them).
    return requestFor(
        r, layout, spec.schema() == null ? List.of() : spec.schema().toTableSet().others());
  }

  /**
   * As above, with {@code others} as the database's other tables (a change of its tables: {@link
   * #changeTables}).
   */
  static LayoutRequest requestFor(ShardedDatabase r, Layout layout, List<TableSchema> others) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(r);
    Layout before = Layout.of(ShardedDatabaseTopology.from(r));
    Map<String, Integer> replicasBefore = replicasBySpec(spec);
    SchemaSpec schema = SchemaSpec.of(new TableSet(layout.schema(), others));
    List<ShardSpec> shards = new ArrayList<>();
    for (ShardDoc s : layout.shards()) {
      shards.add(
          new ShardSpec(
              s.id(), s.low(), s.size(), replicas(s.id(), before, layout, replicasBefore)));
    }
    Long generation = r.getMetadata().getGeneration();
    return new LayoutRequest(
        generation == null ? 0L : generation, schema, shards, layout.servers());
  }

  /**
   * A shard's replica count after the change: a server listed for a shard is one replica of it, so
   * the count moves by the number of servers that started or stopped listing the shard. A shard the
   * spec sized without server names (a resource written by hand) keeps its own count as the base.
   */
  static int replicas(
      String shardId, Layout before, Layout after, Map<String, Integer> replicasBefore) {
    Integer base = replicasBefore.get(shardId);
    if (base == null) {
      return after.replicasOf(shardId);
    }
    int moved = after.replicasOf(shardId) - before.replicasOf(shardId);
    return Math.max(1, base + moved);
  }

  /** Each existing shard's replica count as the spec states it (its own or spec.replicas). */
  private static Map<String, Integer> replicasBySpec(ShardedDatabaseSpec spec) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (ShardSpec shard : spec.shardsOrEmpty()) {
      out.put(shard.id(), spec.replicasOf(shard));
    }
    return out;
  }

  private static Topology requireInit(Topology t) {
    if (!t.isInitialized()) {
      throw new ApiException(409, "database is not configured yet; call /init first");
    }
    return t;
  }

  private String tableName(Topology current) {
    ShardedDatabase latest = source.latest();
    SchemaSpec schema = latest == null ? null : ShardedDatabaseResources.spec(latest).schema();
    if (schema != null && schema.table() != null) {
      return schema.table();
    }
    return current.database().replaceAll("[^A-Za-z0-9_]", "_");
  }
}

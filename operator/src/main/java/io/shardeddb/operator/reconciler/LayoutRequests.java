package io.shardeddb.operator.reconciler;

import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure: what to do with the router's layout request ({@link LayoutRequest}) found in its ConfigMap
 * — nothing (none, or already answered), merge it into the spec, or refuse it with the reason. The
 * merged spec goes through the same {@link SpecValidator} as any spec, plus the rules only a layout
 * change has: the schema is set once, existing shards keep their ranges (a router adds shards and
 * moves replica counts; resharding is an edit of the resource by its owner), servers name shards of
 * the layout, and the plan was made from the spec as it is now.
 */
final class LayoutRequests {

  /** The longest server name (the router's {@code LayoutPlanner} bound). */
  static final int MAX_SERVER_NAME = 63;

  private LayoutRequests() {}

  /** The decision about one request. */
  sealed interface Decision {
    /** No request, or the one there was answered already. */
    record None() implements Decision {}

    /**
     * Merge: {@code spec} is the new spec ({@code unchanged}: it is the spec already, e.g. a
     * request merged by a pass that stopped before it could answer).
     */
    record Accept(String id, ShardedDatabaseSpec spec, boolean unchanged) implements Decision {}

    /** Refuse, the spec untouched. */
    record Refuse(String id, String reason) implements Decision {}
  }

  /** The decision about the request in {@code data} (the ConfigMap's) for {@code sdb}. */
  static Decision decide(ShardedDatabase sdb, Map<String, String> data, SpecValidator validator) {
    String id = data == null ? null : data.get(LayoutRequest.ID_KEY);
    if (id == null || id.isBlank()) {
      return new Decision.None();
    }
    LayoutRequest.Answer answered = LayoutRequest.Answer.of(data);
    if (answered != null && id.equals(answered.id())) {
      return new Decision.None();
    }
    LayoutRequest request;
    try {
      request = LayoutRequest.parse(data.get(LayoutRequest.LAYOUT_KEY));
    } catch (RuntimeException e) {
      return new Decision.Refuse(id, "the request holds no layout: " + e.getMessage());
    }
    if (request == null) {
      return new Decision.Refuse(id, "the request holds no layout");
    }
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    ShardedDatabaseSpec merged =
        spec.withSchema(request.schema())
            .withShards(request.shards() == null ? List.of() : List.copyOf(request.shards()))
            .withServers(request.servers());
    if (merged.equals(spec)) {
      return new Decision.Accept(id, spec, true);
    }
    Long generation = sdb.getMetadata().getGeneration();
    long now = generation == null ? 0L : generation;
    if (request.basedOnGeneration() != now) {
      return new Decision.Refuse(
          id,
          "the ShardedDatabase changed since the router planned this change (generation "
              + request.basedOnGeneration()
              + ", now "
              + now
              + "); send it again");
    }
    List<String> problems = layoutProblems(spec, request);
    if (problems.isEmpty()) {
      ShardedDatabase candidate = new ShardedDatabase();
      candidate.setMetadata(sdb.getMetadata());
      candidate.setSpec(merged);
      candidate.setStatus(sdb.getStatus());
      problems = validator.problems(candidate);
    }
    return problems.isEmpty()
        ? new Decision.Accept(id, merged, false)
        : new Decision.Refuse(id, String.join("; ", problems));
  }

  /** What only a layout change must respect, each naming the field. */
  static List<String> layoutProblems(ShardedDatabaseSpec spec, LayoutRequest request) {
    List<String> problems = new ArrayList<>();
    if (request.schema() == null) {
      problems.add("the layout has no schema");
    } else if (spec.schema() != null && !spec.schema().equals(request.schema())) {
      // ALTER TABLE, CREATE TABLE and DROP TABLE through the router (docs/sql.md, "Changing
      // the schema").
      String refusal = spec.schema().toTableSet().refusalTowards(request.schema().toTableSet());
      if (refusal != null) {
        problems.add("spec.schema can only gain columns at the end: " + refusal);
      }
    }
    List<ShardSpec> shards = request.shards() == null ? List.of() : request.shards();
    if (shards.isEmpty()) {
      problems.add("the layout names no shard");
    }
    Map<String, ShardSpec> requested = new HashMap<>();
    shards.forEach(s -> requested.put(s.id(), s));
    // Before /init there is no table and no row: the first layout may replace placeholder shards.
    if (spec.schema() != null) {
      for (ShardSpec was : spec.shardsOrEmpty()) {
        ShardSpec now = requested.get(was.id());
        if (now == null || now.low() != was.low() || now.size() != was.size()) {
          problems.add(
              "shard '"
                  + was.id()
                  + "' [low "
                  + was.low()
                  + ", size "
                  + was.size()
                  + "] "
                  + (now == null ? "is missing" : "has another range")
                  + ": a layout change may add shards and change replica counts, never move or"
                  + " remove a shard (reshard by editing the ShardedDatabase)");
        }
      }
    }
    Set<String> ids = new HashSet<>(requested.keySet());
    Map<String, List<String>> servers = request.servers() == null ? Map.of() : request.servers();
    servers.forEach(
        (name, held) -> {
          if (name == null || name.isBlank() || name.length() > MAX_SERVER_NAME) {
            problems.add(
                "spec.servers: a server name must have 1 to " + MAX_SERVER_NAME + " chars");
            return;
          }
          for (String shard : held == null ? List.<String>of() : held) {
            if (!ids.contains(shard)) {
              problems.add(
                  "spec.servers: server '"
                      + name
                      + "' lists shard '"
                      + shard
                      + "', which is not in the layout");
            }
          }
        });
    return problems;
  }
}

package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.api.v1alpha1.ShardSpec;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.operator.model.ShardedDatabaseResources;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.ShardMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what the CRD schema cannot (or what reached the operator without it, e.g. an API server
 * without CEL): schema and shard layout through the protocol's own validation, and name lengths. A
 * problem becomes {@code Ready=False, reason=InvalidSpec}, never an exception.
 */
public final class SpecValidator {

  /** Every problem found, each naming the field; empty when the spec is valid. */
  public List<String> problems(ShardedDatabase sdb) {
    List<String> problems = new ArrayList<>();
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    String db = sdb.getMetadata().getName();
    List<ShardSpec> shards = spec.shardsOrEmpty();
    if (!shards.isEmpty() && spec.schema() == null) {
      problems.add("spec.shards is set but spec.schema is missing");
    }
    if (spec.schema() != null) {
      try {
        spec.schema().toTableSchema().validate();
      } catch (InvalidRequestException e) {
        problems.add("spec.schema: " + e.getMessage());
      }
    }
    try {
      new ShardMap<>(shards);
    } catch (InvalidRequestException e) {
      problems.add("spec.shards: " + e.getMessage());
    }
    if (spec.replicas() != null && (spec.replicas() < 1 || spec.replicas() > 9)) {
      problems.add("spec.replicas must be between 1 and 9, got " + spec.replicas());
    }
    for (ShardSpec shard : shards) {
      if (shard.id() == null || !shard.id().matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
        problems.add("spec.shards id '" + shard.id() + "' must be a DNS label (a-z, 0-9, -)");
        continue;
      }
      String sts = ShardedDatabaseResources.shardStatefulSetName(db, shard.id());
      if (sts.length() > ShardedDatabaseResources.MAX_STATEFULSET_NAME) {
        problems.add(
            "shard '"
                + shard.id()
                + "': the StatefulSet name "
                + sts
                + " is longer than "
                + ShardedDatabaseResources.MAX_STATEFULSET_NAME
                + " characters; use a shorter database name or shard id");
      }
      if (shard.replicas() != null && (shard.replicas() < 1 || shard.replicas() > 9)) {
        problems.add(
            "shard '" + shard.id() + "' replicas must be between 1 and 9, got " + shard.replicas());
      }
    }
    return problems;
  }
}

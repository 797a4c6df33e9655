package io.shardeddb.bench;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.List;

/**
 * A ShardedDatabase for one configuration: the assignment's student table, {@code shards} equal key
 * ranges that together cover {@code [0, keySpace)}, {@code replicas} per shard, Majority; TLS on
 * every hop (the default) unless {@code tls} is false ({@code spec.tls.enabled: false}, to measure
 * what TLS costs); reads at the primary unless {@code reads} says otherwise ({@code
 * spec.router.reads}, the database's default consistency of the assignment's {@code /read}).
 */
record DatabaseYaml(
    String name, int shards, int replicas, long keySpace, boolean tls, ReadsChoice reads) {

  DatabaseYaml(String name, int shards, int replicas, long keySpace) {
    this(name, shards, replicas, keySpace, true);
  }

  DatabaseYaml(String name, int shards, int replicas, long keySpace, boolean tls) {
    this(name, shards, replicas, keySpace, tls, ReadsChoice.PRIMARY);
  }

  /** The size of each shard's range, so that {@code 0 .. keySpace-1} spreads over all shards. */
  long shardSize() {
    return (keySpace + shards - 1) / shards;
  }

  /** The shards' ranges: {@code sh1..shN}, {@link #shardSize()} keys each, from key 0 up. */
  List<ShardSpec> ranges() {
    List<ShardSpec> ranges = new ArrayList<>();
    long size = shardSize();
    for (int i = 0; i < shards; i++) {
      ranges.add(new ShardSpec(AssignmentLayout.shardId(i), i * size, size, null));
    }
    return ranges;
  }

  /** The resource, typed: what {@link #render()} writes as YAML. */
  ShardedDatabase resource() {
    SchemaSpec schema =
        new SchemaSpec(
            Rows.TABLE,
            Rows.KEY,
            List.of(
                new ColumnSpec(Rows.KEY, ColumnType.Number),
                new ColumnSpec(Rows.NAME, ColumnType.String),
                new ColumnSpec(Rows.MARKS, ColumnType.Number)));
    return resource(spec().schema(schema).shards(ranges()).replicas(replicas));
  }

  /**
   * The same database with no schema and no shards: the operator starts its router only (Ready
   * False, AwaitingInit) and the assignment's {@code POST /init} lays out shards and servers, as
   * the assignment's clients do (examples/awaiting-init.yaml, with authentication and TLS kept on).
   */
  ShardedDatabase awaitingInitResource() {
    return resource(spec());
  }

  /** The settings both forms share: Majority, one router reading as {@link #reads}, TLS. */
  private ShardedDatabaseSpec.Builder spec() {
    return ShardedDatabaseSpec.builder()
        .writeQuorum(WriteQuorum.Majority)
        .router(new RouterSpec(1, null, null, null, reads.spec()))
        .tls(tls ? null : new TlsSpec(false, null, null));
  }

  private ShardedDatabase resource(ShardedDatabaseSpec.Builder spec) {
    ShardedDatabase db = new ShardedDatabase();
    db.getMetadata().setName(name);
    db.setSpec(spec.build());
    return db;
  }

  /** {@link #awaitingInitResource()} as YAML. */
  String renderAwaitingInit() {
    return Serialization.asYaml(awaitingInitResource());
  }

  String render() {
    return Serialization.asYaml(resource());
  }
}

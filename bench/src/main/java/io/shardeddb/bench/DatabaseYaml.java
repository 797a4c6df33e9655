package io.shardeddb.bench;

/**
 * A ShardedDatabase for one configuration: the assignment's student table, {@code shards} equal key
 * ranges that together cover {@code [0, keySpace)}, {@code replicas} per shard, Majority.
 */
record DatabaseYaml(String name, int shards, int replicas, long keySpace) {

  /** The size of each shard's range, so that {@code 0 .. keySpace-1} spreads over all shards. */
  long shardSize() {
    return (keySpace + shards - 1) / shards;
  }

  String render() {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: shardeddb.io/v1alpha1\n");
    y.append("kind: ShardedDatabase\n");
    y.append("metadata:\n  name: ").append(name).append('\n');
    y.append("spec:\n");
    y.append("  schema:\n    table: ").append(Rows.TABLE).append('\n');
    y.append("    shardKey: ").append(Rows.KEY).append('\n');
    y.append("    columns:\n");
    y.append("      - {name: ").append(Rows.KEY).append(", type: Number}\n");
    y.append("      - {name: ").append(Rows.NAME).append(", type: String}\n");
    y.append("      - {name: ").append(Rows.MARKS).append(", type: Number}\n");
    y.append("  shards:\n");
    long size = shardSize();
    for (int i = 0; i < shards; i++) {
      y.append("    - {id: sh")
          .append(i + 1)
          .append(", low: ")
          .append(i * size)
          .append(", size: ")
          .append(size)
          .append("}\n");
    }
    y.append("  replicas: ").append(replicas).append('\n');
    y.append("  writeQuorum: Majority\n");
    y.append("  router: {replicas: 1}\n");
    return y.toString();
  }
}

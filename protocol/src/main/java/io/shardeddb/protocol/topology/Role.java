package io.shardeddb.protocol.topology;

/** The role a shard replica holds. {@code None} until the operator assigns one. */
public enum Role {
  Primary,
  Secondary,
  None
}

package io.shardeddb.operator.status;

/** The condition types a ShardedDatabase reports. */
public enum ConditionType {
  /** Every shard has a primary and all replicas caught up, and the router is ready. */
  Ready,
  /** Running but with less redundancy than asked for, or a change was refused. */
  Degraded,
  /** The operator is bringing shards up, copying data, scaling or failing over. */
  Progressing,
  /** A resharding move is in flight (status.resharding says which and how far). */
  Resharding,
  /**
   * True while the spec opts out of a security default (TLS off, router plain HTTP, data auth off,
   * admin opened for the assignment) or the router's admin token is missing: a warning that says
   * which, reported with a Warning Event when it changes.
   */
  Insecure,
  /**
   * Whether every shard ships its committed log to the backup store within its bound (False with
   * the shards and the store's error while one is stalled, or when spec.backup is not set).
   */
  ContinuousArchiving,
  /**
   * True while the shard volumes grow to a larger spec.storage.size (claims raised, StatefulSets
   * re-created, file systems waiting); False once they have it, or with StorageResizeUnsupported
   * when their StorageClass does not allow expansion (nothing is done then).
   */
  StorageResizing,
  /**
   * Whether the database's certificates can be issued (True: from the operator's CA or the user's,
   * with CaRotating while a CA rotation is under way); False with CaSecretUnusable while the Secret
   * named by spec.tls.caSecret cannot be used (nothing is re-issued then). Absent with TLS off.
   */
  CertificateAuthority,
  /**
   * True while the database is hibernated (shardeddb.io/hibernation: on): every shard StatefulSet
   * and the router Deployment at zero pods, the volumes kept; False while it runs.
   */
  Hibernated,
  /**
   * True while pods are fenced (shardeddb.io/fenced-pods), the message naming them: out of the
   * routing and never made primary; False when none is.
   */
  Fenced
}

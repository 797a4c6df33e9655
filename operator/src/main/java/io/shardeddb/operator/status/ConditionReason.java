package io.shardeddb.operator.status;

/** The CamelCase reasons the operator's conditions carry (besides an exception's class name). */
public enum ConditionReason {
  /** Every shard serves with all replicas, and the router is ready. */
  AllShardsReady,
  /** No schema or shards yet. */
  AwaitingInit,
  /** Nothing is wrong. */
  AsExpected,
  /** Router pods are starting. */
  RouterStarting,
  /** Shards serve but no router pod is ready. */
  RouterNotReady,
  /** The spec cannot be applied. */
  InvalidSpec,
  /**
   * Another database of the namespace holds names this one's objects would have; none is written
   * (NameClash in the operator).
   */
  NameClash,
  /** A shard still holding rows was removed from the spec. */
  ShardRemovalRefused,
  /** A failover cannot elect: too few replicas fenced. */
  NoQuorum,
  /** A primary is unavailable; waiting out primaryUnavailableSeconds. */
  PrimaryUnavailable,
  /** A failover is pending. */
  FailoverPending,
  /** Some replicas are not ready. */
  ReplicasNotReady,
  /** Shards are being brought up. */
  BringingUp,
  /** A replica is copying or catching up. */
  Copying,
  /** Everything matches the spec. */
  Reconciled,
  /** A resharding move is in flight. */
  MoveInProgress,
  /** The spec's layout cannot be reached by moves. */
  ReshardingBlocked,
  /** The server's CRD is older than the operator and drops status fields resharding needs. */
  CrdOutdated,
  /**
   * Fewer replicas were asked for; the leaving pods stay until the staying ones hold everything.
   */
  ScalingDown,
  /**
   * A shard merged away is kept, pods running, until its backup archive holds its whole log
   * (RetireGate): deleting it earlier would lose acknowledged writes from the archive.
   */
  RetireWaitsForArchive,
  /**
   * A schema change the spec asks for is not started yet: a resharding move is in flight, or a
   * replica's shard-server cannot store the changed table (an upgrade's roll is not through).
   */
  SchemaChangeWaits,
  /** Every security default is in force (Insecure False). */
  SecureDefaults,
  /** spec.tls.enabled is false: credentials and rows cross the network in clear text. */
  TlsDisabled,
  /** spec.tls.routerPlainHttp: the router serves its clients plain HTTP. */
  RouterPlainHttp,
  /** spec.router.auth.enabled is false: the data endpoints take no token. */
  DataAuthDisabled,
  /** spec.router.auth.openAdminForAssignment: /init, /add, /rm take no token. */
  AdminOpenForAssignment,
  /** The router token Secret the user named has no admin-token: routers cannot start. */
  AdminTokenMissing,
  /** Every shard archives its committed log within its bound. */
  ArchivingHealthy,
  /** A shard's archiving has failed past its bound (store unreachable, wrong bucket, ...). */
  ArchiveStalled,
  /**
   * The store's archive under this database's name is another incarnation's (its owner marker names
   * another UID) or has objects and no marker: refused, never adopted; nothing is archived.
   */
  ArchiveRefused,
  /** No spec.backup: nothing is archived. */
  BackupNotConfigured,
  /** Shard volume claims were raised to a larger spec.storage.size and are growing. */
  VolumeExpanding,
  /**
   * The StorageClass cannot expand: the shard pods move onto new volumes of the new size one at a
   * time (secondaries first, the primary last after a planned switch-over), each copied again.
   */
  RollingRebuild,
  /** The volumes grew; a file system on one waits for the kubelet to grow it. */
  FileSystemResizePending,
  /** The volumes' StorageClass does not allow expansion (or is unknown): the size is unchanged. */
  StorageResizeUnsupported,
  /** Certificates are issued from one CA, the only one trusted. */
  CaIssuing,
  /** A CA rotation is under way: two CAs trusted (the message says which step and until when). */
  CaRotating,
  /** The Secret named by spec.tls.caSecret is missing, holds no CA, or lacks its key. */
  CaSecretUnusable,
  /** The database is hibernated (shardeddb.io/hibernation: on): no pods, volumes kept. */
  Hibernated,
  /** The database runs (not hibernated). */
  Running,
  /** A shard's primary is fenced and no unfenced replica could take over: no writes. */
  PrimaryFenced,
  /** Pods are fenced (shardeddb.io/fenced-pods): out of the routing, never made primary. */
  PodsFenced,
  /** No pod is fenced. */
  NoneFenced,
  /** The shardeddb.io/hibernation or shardeddb.io/fenced-pods annotation cannot be read. */
  InvalidAnnotation
}

package io.shardeddb.operator.status;

/** Every Event reason the operator records, with its Kubernetes Event type. */
public enum EventReason {
  /** A shard's replicas were configured and given their first roles. */
  ShardBroughtUp(false),
  /** A new primary was elected after fencing a majority (also after a lost status). */
  FailoverCompleted(false),
  /** A failover could not elect: too few replicas answered the fence holding their data. */
  FailoverBlocked(true),
  /**
   * The replicas said the primary reaches no majority (it stood down, or enough of its secondaries
   * heard nothing from it for a lease period): elected without waiting primaryUnavailableSeconds.
   */
  PrimaryLost(true),
  /**
   * The primary came back at a new address, or fenced by an election that found no quorum while it
   * holds every acknowledged write, and was announced at the next epoch.
   */
  PrimaryReannounced(false),
  /** A learner that copied in while the shard grew caught up and votes now (rule 12). */
  LearnerPromoted(false),
  /** The status was behind the replicas; the primary they elected was adopted. */
  PrimaryAdopted(false),
  /** A replica that came back empty (or was asked to) re-copies from the primary. */
  RecopyStarted(false),
  /** A copied replica's checksum matches the primary's. */
  RecopyCompleted(false),
  /** A copied replica differs from the primary at the same LSN; it copies again. */
  RecopyMismatch(true),
  /** A planned switch-over (shardeddb.io/promote) made the requested replica the primary. */
  PrimarySwitchedOver(false),
  /** A switch-over request was refused: it names something wrong or the shard is not ready. */
  SwitchoverRefused(true),
  /** A switch-over was attempted and given up; the old primary stays (or a failover follows). */
  SwitchoverFailed(true),
  /** A rebuild request (shardeddb.io/rebuild) was refused. */
  RebuildRefused(true),
  /**
   * A replica refused a role: it has seen a higher epoch, or (a Primary role) its log is behind the
   * position it was chosen for.
   */
  StaleEpoch(true),
  /** The spec cannot be applied. */
  InvalidSpec(true),
  /** Another database of the namespace holds names this one's objects would have. */
  NameClash(true),
  /** A shard that still holds rows was removed from the spec; the removal is refused. */
  ShardRemovalRefused(true),
  /** Every shard applied a schema change (docs/sql.md, "Changing the schema"). */
  SchemaChanged(false),
  /**
   * A schema change the spec asks for is not started yet (a resharding move in flight, or a replica
   * whose shard-server cannot store the changed table); the message says what it waits for.
   */
  SchemaChangeWaiting(false),
  /** A shard refused a schema change, or could not be asked; it is asked again. */
  SchemaChangeHeld(true),
  /**
   * A restored database's shards replayed schema changes past its base backup: the operator took
   * their schema and version (docs/sql.md, "Changing the schema").
   */
  SchemaLearned(false),
  /** A resharding move reached a new phase (docs/resharding.md). */
  MovePhaseChanged(false),
  /** A move's destination was not caught up in time after the fence; the source owns it again. */
  CutoverRetry(true),
  /** The spec was reverted before a move's cut-over; the move was rolled back. */
  MoveAborted(false),
  /** The spec's layout cannot be reached by moves (see the message). */
  ReshardingBlocked(true),
  /** The server's CRD dropped status fields the operator wrote; resharding stops until updated. */
  CrdOutdated(true),
  /** A stuck pod was deleted so its StatefulSet recreates it. */
  PodReplaced(true),
  /**
   * Fewer replicas were asked for, and the pods past the new count stay until the staying replicas
   * hold every acknowledged write (DESIGN §5 rule 12); the message says what is awaited.
   */
  ScaleDownWaiting(false),
  /** A secondary was deleted so its StatefulSet re-creates it from a changed template (a roll). */
  PodRolled(false),
  /** The database opted out of a security default, or its admin token is missing (Insecure). */
  InsecureSettings(true),
  /** A shard pod's volume claim was raised to a larger spec.storage.size. */
  VolumeExpansionStarted(false),
  /**
   * A shard StatefulSet was deleted with its pods orphaned, to be re-created with the larger volume
   * claim template (no pod restarts).
   */
  StatefulSetRecreated(false),
  /**
   * A rolling rebuild (the StorageClass cannot expand) deleted a pod's claim and the pod, so its
   * StatefulSet re-creates both with the larger size and the replica copies in again.
   */
  VolumeRebuildStarted(false),
  /** Every shard volume has the larger spec.storage.size. */
  StorageResized(false),
  /**
   * A shard merged away (in status.applied.retiredShards) has no StatefulSet and no pod left: its
   * volume claims, which Kubernetes keeps, were deleted (its rows had moved and been purged).
   */
  VolumesDeleted(false),
  /** spec.storage.size grew but the volumes' StorageClass does not allow expansion. */
  StorageResizeUnsupported(true),
  /** A step of a CA rotation: new CA trusted, certificates re-issued, old CA dropped. */
  CaRotation(false),
  /** A rotation asked by shardeddb.io/rotate-ca was refused (message says why). */
  CaRotationRefused(true),
  /** The CA Secret named by spec.tls.caSecret cannot be used: nothing is issued from it. */
  CaSecretUnusable(true),
  /** The router's layout request (/init, /add, /rm) was merged into the spec. */
  LayoutRequestAccepted(false),
  /** The router's layout request was refused; the spec is untouched (message says why). */
  LayoutRequestRefused(true),
  /** The database was hibernated: StatefulSets and the router scaled to zero, volumes kept. */
  Hibernated(false),
  /** A hibernated database resumes: its pods come back on their volumes. */
  Resumed(false),
  /** The set of pods the user fenced (shardeddb.io/fenced-pods) changed. */
  FenceChanged(false),
  /** The shardeddb.io/fenced-pods or shardeddb.io/hibernation annotation cannot be read. */
  InvalidAnnotation(true);

  private final boolean warning;

  EventReason(boolean warning) {
    this.warning = warning;
  }

  /** Whether Events with this reason are Warnings (else Normal). */
  public boolean warning() {
    return warning;
  }
}

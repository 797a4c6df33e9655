package io.shardeddb.simulation;

/**
 * One timed fault of a {@link FaultPlan}, as data: what strikes, when (simulated ms), for how long,
 * and whom — named by role ({@link Victim}: a pod, or the primary of a shard), so one plan fits
 * every world and each world resolves the names when the fault's time comes ({@link FaultInjector},
 * which also holds what each kind does).
 */
sealed interface Fault {
  /** When it strikes (simulated ms since the start of the run). */
  long at();

  /**
   * A replica to strike: the recorded primary of shard {@code shard} (modulo the world's shards)
   * when {@code primary} and it has one, else pod {@code pick} modulo the pods there are then.
   */
  record Victim(int pick, boolean primary, int shard) {}

  /** The process is killed (its memory gone, its volume kept) and started again. */
  record Crash(long at, Victim victim, long length) implements Fault {}

  /** SIGSTOP, then SIGCONT: a running process frozen (its timers and answers wait). */
  record Pause(long at, Victim victim, long length) implements Fault {}

  /** Everything between two replicas dropped, both ways (within or across shards). */
  record Partition(long at, Victim victim, Victim other, long length) implements Fault {}

  /** A replica cut off from its shard's operator. */
  record CutFromOperator(long at, Victim victim, long length) implements Fault {}

  /** A replica cut off from every other pod of its shard. */
  record Isolate(long at, Victim victim, long length) implements Fault {}

  /** A replica's volume lost: killed, wiped, started again empty (never more than a minority). */
  record LoseVolume(long at, Victim victim, long length) implements Fault {}

  /** The operator's pass of shard {@code shard} (modulo the world's shards) restarted. */
  record RestartOperator(long at, int shard, long length) implements Fault {}

  /** The resharder restarted (a world with one). */
  record RestartMover(long at, long length) implements Fault {}

  /** A replica cut off from the resharder (a world with one). */
  record CutFromMover(long at, Victim victim, long length) implements Fault {}

  /** Rule 15: the replica's next COMMIT happens and its reply is lost. */
  record LoseCommitReply(long at, Victim victim) implements Fault {}

  /**
   * The replica's database server (the mysql container) restarts under its live shard-server (issue
   * 47 finding 6; the process and its memory live on): the first transaction it commits within
   * {@link StorageFaults#IN_FLIGHT_WITHIN} ms is the one in flight when it dies — it lands ({@code
   * lands}: its COMMIT was durable) or rolls back, and its caller hears a lost connection either
   * way — then it is down for {@code length} ms (every call fails) and back with what it committed.
   */
  record RestartDatabase(long at, Victim victim, long length, boolean lands) implements Fault {}

  /**
   * The backup store unreachable for {@code length} ms (every archiver's call fails, as an S3
   * endpoint down): the archive falls behind, and the log's trim floor holds the replicas' logs
   * back (DESIGN §9). In a world without a store, nothing happens.
   */
  record StoreOutage(long at, long length) implements Fault {}

  /** The replica's database connections reset: its statements fail while it lasts. */
  record ResetConnections(long at, Victim victim, long length) implements Fault {}

  /** Each commit of the replica's database takes {@code perCommit} ms while it lasts. */
  record SlowFsync(long at, Victim victim, long length, long perCommit) implements Fault {}

  /**
   * A client's side ({@code client}, modulo the world's: a client or the router it writes through)
   * cut off from a replica.
   */
  record CutFromClient(long at, int client, Victim victim, long length) implements Fault {}

  /**
   * Aimed at finding 7's window ({@link FaultPlan.Shape#aimedAtSessions}, a world with a
   * resharder): at the resharder's first range fence after {@code at}, a secondary of the fenced
   * source ({@code pick} among them) is cut off from its primary — not from the routers or the
   * operator — and the router of client side {@code client} (modulo the world's) keeps the layout
   * it has, both for {@code length} ms: the secondary never hears the fence and still owns the
   * range by its log, and that router, its informer behind, still routes the range to it.
   */
  record CutOffThroughACutOver(long at, int pick, int client, long length) implements Fault {}

  /**
   * Aimed at rule 7's window ({@link FaultPlan.Shape#aimedAtCopies}): a secondary of shard {@code
   * shard} holding data ({@code pick} among them) is asked to re-copy, and once its copy streams
   * the primary crashes for {@code down} ms, so the election's fences reach the copy mid-way;
   * {@code otherwise} strikes instead when no such rebuild keeps the promise's minority.
   */
  record RebuildThenCrashPrimary(long at, int shard, int pick, long down, Fault otherwise)
      implements Fault {}
}

package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.WriteQuorum;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * The safety rules the replica classes ask at their decision points, as one injected object: the
 * production instance answers with the pure rules of this package; the simulator's {@code
 * BrokenRulesAreCaughtTest} injects a subclass that weakens one rule, so each mutation breaks the
 * production code path and the simulator must go red. Nothing else overrides it.
 */
@Singleton
public class Rulebook {
  /**
   * Rule 1: whether a replica that has persisted {@code persisted} takes a role of {@code epoch}
   * under {@code primary} ({@link EpochRules#role}): refused for an epoch lower than one it has
   * seen and for a second, different primary in an epoch it already voted in.
   */
  public EpochRules.RoleVerdict role(
      EpochRules.Epochs persisted, long epoch, String primary, boolean asPrimary, boolean copying) {
    return EpochRules.role(persisted, epoch, primary, asPrimary, copying);
  }

  /**
   * Rule 3: a new primary appends a no-op entry of its epoch at once and acknowledges no change
   * (deduplicated retries of inherited entries included) until that entry is on a quorum. False is
   * the term the rule forbids: no entry of its own, so an inherited entry is acknowledged as soon
   * as a quorum holds it, though a replica holding a later epoch's entry can still win the next
   * election (Raft's figure 8).
   */
  public boolean startsTermWithNoOp() {
    return true;
  }

  /** Rule 5: acknowledgements a write needs, counted over the spec's {@code specReplicas}. */
  public int required(WriteQuorum quorum, int specReplicas) {
    return quorum.required(specReplicas);
  }

  /**
   * Rule 12: the peers whose acknowledgements a primary's quorum counts — its voting peers, never
   * the learners it feeds while the shard grows ({@code learners}).
   */
  public java.util.List<String> countedPeers(
      java.util.List<String> voting, java.util.List<String> learners) {
    return voting;
  }

  /** Rule 4: whether a secondary appends a replication batch and counts as in sync. */
  public LogMatching.Decision logMatching(LogMatching.Local mine, LogMatching.Batch batch) {
    return LogMatching.decide(mine, batch);
  }

  /**
   * Rules 4 and 5 on the primary: what a secondary's in-sync answer to a {@code /replicate} request
   * whose last entry is {@code lastSentLsn} proves it holds — its cumulative {@code matchLsn},
   * never more, whatever the request carried (with a window of requests in flight, a request may be
   * answered by a secondary that has not received the ones before it).
   */
  public long acknowledgedLsn(long matchLsn, long lastSentLsn) {
    return matchLsn;
  }

  /**
   * Rule 11, check-quorum: whether a primary whose majority last answered at {@code
   * majorityContactNanos} stands down at {@code nowNanos} ({@link LivenessRules#standsDown}).
   */
  public boolean standsDown(long nowNanos, long majorityContactNanos, long periodNanos) {
    return LivenessRules.standsDown(nowNanos, majorityContactNanos, periodNanos);
  }

  /**
   * Rule 11, the secondaries' report: whether a secondary that last heard from its primary at
   * {@code lastHeardNanos} reports it lost ({@link LivenessRules#primaryLost}).
   */
  public boolean primaryLost(long nowNanos, long lastHeardNanos, long periodNanos) {
    return LivenessRules.primaryLost(nowNanos, lastHeardNanos, periodNanos);
  }

  /** Rule 9: whether a primary may serve a {@code primary} read now ({@link LeaseRules}). */
  public LeaseRules.Lease primaryLease(
      long nowNanos,
      long promotedAtNanos,
      long leaseNanos,
      long driftNanos,
      boolean formerLeaseHandedOver,
      int required,
      long[] peerAckSentNanos) {
    return LeaseRules.primaryLease(
        nowNanos,
        promotedAtNanos,
        leaseNanos,
        driftNanos,
        formerLeaseHandedOver,
        required,
        peerAckSentNanos);
  }

  /**
   * DESIGN §11: where a new term's timestamp oracle starts, given the window its log persisted —
   * there, so it hands out nothing an earlier primary could have ({@code TimestampOracle}).
   */
  public long oracleStartsAt(long persistedWindow) {
    return persistedWindow;
  }

  /**
   * Rule 9: whether a replica taking a fence hands its lease over, so that a primary promoted after
   * it may not need to wait one lease period ({@link LeaseRules#handsOverLease}).
   */
  public boolean handsOverLease(
      boolean unfencedPrimary, LeaseRules.Lease lease, long sinceContactNanos, long leaseNanos) {
    return LeaseRules.handsOverLease(unfencedPrimary, lease, sinceContactNanos, leaseNanos);
  }

  /**
   * Rule 9, read index (Raft §6.4): whether a {@code primary} read whose rows may include entries
   * up to {@code readLsn} may be answered now that this primary's quorum holds its log up to {@code
   * committedLsn} (-1: nothing of this term yet). Answering earlier could show a write a failover
   * loses, and a later read would go back in time.
   */
  public boolean readIndexReached(long readLsn, long committedLsn) {
    return committedLsn >= 0 && committedLsn >= readLsn;
  }

  /**
   * Rule 2: whether a replica whose log ends at {@code mine} takes a Primary role chosen for {@code
   * chosenAt} ({@link EpochRules#primaryPosition}).
   */
  public EpochRules.RoleVerdict primaryPosition(LogPosition mine, LogPosition chosenAt) {
    return EpochRules.primaryPosition(mine, chosenAt);
  }

  /**
   * Rule 9, sessions: whether a replica may serve a read carrying the session's {@code (minEpoch,
   * minLsn)} ({@link SessionReads}); {@code epochAtMinLsn} is the epoch of the entry at {@code
   * minLsn} here, {@link LogMatching#NOT_HELD} when the log no longer holds it.
   */
  public SessionReads.Session sessionRead(
      boolean inSync, long appliedLsn, long minEpoch, long minLsn, long epochAtMinLsn) {
    return SessionReads.decide(inSync, appliedLsn, minEpoch, minLsn, epochAtMinLsn);
  }

  /**
   * Rule 9, sessions: whether a replica whose log ends at {@code last} may serve a session read of
   * a shard whose session floor is {@code floor} ({@link SessionReads#floor}).
   */
  public SessionReads.Session sessionFloor(boolean inSync, LogPosition last, LogPosition floor) {
    return SessionReads.floor(inSync, last, floor);
  }

  /**
   * Rule 9, bounded reads: whether this secondary serves a read with bound {@code
   * maxStalenessNanos} ({@link BoundedReads#decide}).
   */
  public BoundedReads.Bounded boundedRead(
      boolean inSync,
      long epoch,
      long contactEpoch,
      long contactNanos,
      long nowNanos,
      long maxStalenessNanos) {
    return BoundedReads.decide(
        inSync, epoch, contactEpoch, contactNanos, nowNanos, maxStalenessNanos);
  }

  /**
   * Rule 9, bounded reads: whether a contact carrying the primary's {@code commitLsn} proves this
   * secondary caught up at that contact ({@link BoundedReads#caughtUp}).
   */
  public boolean caughtUpAtContact(boolean inSync, Long commitLsn, long appliedLsn) {
    return BoundedReads.caughtUp(inSync, commitLsn, appliedLsn);
  }

  /**
   * Rule 15: after a storage error in or after COMMIT, the outcome is read back from storage (the
   * commit may have happened and only its reply been lost). False is the guess the rule forbids:
   * taking the error for "nothing written".
   */
  public boolean readsBackUnknownCommit() {
    return true;
  }

  /**
   * Rule 15 on a secondary: after a replay fails, it reads back what storage holds past its
   * position and goes on after the entries it was applying that storage holds ({@code
   * SecondarySync.resumeFromStorage}). False is the secondary before review 2026-11-26 #4: the
   * error stands, memory stays below storage, and every later replay hits its own entry.
   */
  public boolean readsBackFailedReplay() {
    return true;
  }

  /**
   * Rule 15: what the entries storage holds past a commit's starting position say about that
   * commit, whose outcome an error left unknown ({@link CommitReadBack#verdict}): committed only
   * when they are exactly its own entries (positions, epoch, operations, keys, request ids, rows).
   * The mutation is the comparison the rule replaced: storage ending at the commit's last LSN in
   * its epoch taken for "committed", whoever's entries those are.
   */
  public CommitReadBack.Verdict readBack(List<LogEntry> planned, List<LogEntry> stored) {
    return CommitReadBack.verdict(planned, stored);
  }

  /**
   * Rule 13: which of the source's replicas a move's import reads from, given what each said about
   * itself ({@link ImportRules#sourcePrimary}: the unfenced primary of the highest epoch seen).
   */
  public Optional<ImportRules.SourceReplica> sourcePrimary(
      List<ImportRules.SourceReplica> answers) {
    return ImportRules.sourcePrimary(answers);
  }

  /**
   * Rule 13's importer, after each page: whether the source primary read from still leads by its
   * own heartbeat ({@link ImportRules#stillLeads}); false, every source replica is asked again.
   */
  public boolean sourceStillLeads(ImportRules.SourceReplica src, Heartbeat hb) {
    return ImportRules.stillLeads(src, hb);
  }

  /**
   * Rule 13: the point a key of a move's exported log entries lies at, as {@code LogExport} filters
   * the source's log to the moved range — the one placement, {@link
   * io.shardeddb.protocol.topology.Sharding#point(Object)}, that the writes' ownership check, the
   * range snapshot and the purge use too (a String key: the hash of its UTF-8 bytes; a composite
   * key's tuple, which Update and Delete entries carry: its first value's point). Any other
   * function (a String hashed over its UTF-16 units) sends the destination rows it does not own and
   * keeps from it rows the source acknowledged in the range.
   */
  public long exportedPoint(io.shardeddb.protocol.topology.Sharding sharding, Object key) {
    return sharding.point(key);
  }

  /**
   * Rule 13: how far a source primary exports its log and snapshot to a move's import, given its
   * quorum-committed LSN ({@code committedLsn}, -1: nothing of its term yet) and where its own log
   * ends ({@code appliedLsn}): only what a quorum holds, never its unacknowledged tail, which a
   * failover of the source could drop while the destination kept it (and its request id).
   */
  public long exportedUpTo(long committedLsn, long appliedLsn) {
    return committedLsn;
  }

  /**
   * DESIGN §9, the bounded log: the LSN a replica may trim its log through, given its applied LSN,
   * the retention ({@code log-retention}: entries kept behind it) and {@code floorLsn}, the highest
   * LSN nothing else still needs ({@code LogTrimFloor}: the archive's, so no entry is trimmed
   * before it is archived). A secondary that later asks for a trimmed entry gets 410 and re-copies.
   * The mutation is a trim by the retention alone.
   */
  public long trimmedThrough(long appliedLsn, long retention, long floorLsn) {
    return Math.min(appliedLsn - retention, floorLsn);
  }

  /**
   * DESIGN §9 (archive only what a quorum holds): how far a primary's archiver ships its log, given
   * its quorum-committed LSN ({@code committedLsn}) and where its own log may end ({@code logEnd}):
   * never past the commit point, or a failover could discard an archived tail while the next
   * primary archives other entries at the same LSNs, and a restore would replay both.
   */
  public long archivedUpTo(long committedLsn, long logEnd) {
    return committedLsn;
  }

  /**
   * Rule 5: whether a {@code /replicate} request naming {@code receiver} (null: an older primary
   * that does not name it) may be answered by replica {@code me}. A request meant for another
   * replica whose address this one now serves (a pod moved, its address was reused) is refused, or
   * the primary would count this one copy for that replica too.
   */
  public boolean replicateMeantFor(String receiver, String me) {
    return receiver == null || receiver.equals(me);
  }

  /**
   * Rules 4 and 7: whether {@code server} answers a {@code pull} ({@code /log} or {@code
   * /snapshot}) whose caller follows {@code primary} as the primary of {@code epoch} ({@link
   * PrimaryIdentity#answers}); refused, the caller gets 421. True for another server at the
   * primary's address is the pull the rules forbid: its log would verify the caller, its snapshot
   * become the caller's copy of the primary's history.
   */
  public boolean answersAs(
      PrimaryIdentity.Pull pull, String primary, Long epoch, PrimaryIdentity.Server server) {
    return PrimaryIdentity.answers(primary, epoch, server);
  }

  /**
   * Rule 13: a move's import records, after the snapshot, the request ids the source logged for the
   * range up to it ({@code ImportService.handOverOutcomes}), so a retry of a change applied on the
   * source before the move gets its original outcome on the destination. False is the import the
   * rule forbids: the snapshot's rows without the outcomes of the changes that made them.
   */
  public boolean handsOverOutcomes() {
    return true;
  }

  /**
   * Rule 3's liveness: a new primary whose term no-op failed to commit (a storage error, nothing
   * written or the outcome unknown) appends it again after a pause ({@code GroupCommitBatcher}), so
   * an idle primary still confirms its term. False is the batcher the rule replaces: the no-op
   * waits for a client write to carry it, and an idle shard's committed position stays unknown.
   */
  public boolean retriesFailedNoOp() {
    return true;
  }

  /**
   * Rule 13: a change whose request id a shard has recorded is answered its recorded outcome before
   * any ownership check, so a retry of a change applied before its range moved away is not
   * re-routed to the new owner and applied there again. False is the order the rule forbids.
   */
  public boolean dedupBeforeOwnership() {
    return true;
  }

  /**
   * Rule 7: a copy (a re-copy's snapshot, or a move's range snapshot) is complete only when every
   * row and request outcome its header announced arrived; a stream that ends early (the source
   * crashed, the connection closed mid-way) is a failed copy, never a copy at its LSN. True for a
   * shorter stream is the check the rule forbids dropping.
   */
  public boolean copyComplete(long received, long announced) {
    return received == announced;
  }

  /**
   * Rule 7: what a replica says of itself where it is weighed as a failover candidate — the
   * position and state of its {@code /fence} answer, and whether it takes a Primary role chosen for
   * a position — given its copy state now ({@code now}) and what it held before its current re-copy
   * began ({@code heldBeforeCopy}, null when no copy is in progress). A begun copy has deleted what
   * it held: it reports Copying at position 0/0, counts for nothing and is never chosen. Reporting
   * {@code heldBeforeCopy} instead (the position it no longer holds, not copying) is the lie the
   * rule forbids.
   */
  public CopyState reportedCopyState(CopyState now, CopyState heldBeforeCopy) {
    return now;
  }

  /**
   * DESIGN §9: the commit time a primary stamps on the entries of a group commit, from its wall
   * clock {@code wallMillis} and the commit time of the last entry of its log {@code floorMillis}:
   * never below it, so commit times never go back along a shard's log (across failovers and clock
   * skew too), and a restore to a time replays a prefix of the log. The wall clock alone is the
   * stamp the rule forbids: a new primary whose clock is behind would stamp later entries earlier.
   */
  public long commitMillis(long wallMillis, long floorMillis) {
    return Math.max(wallMillis, floorMillis);
  }
}

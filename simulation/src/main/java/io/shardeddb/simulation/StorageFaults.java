package io.shardeddb.simulation;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * A replica's database misbehaving, as the seed schedules it (DESIGN §5 rule 15's failure modes): a
 * COMMIT whose reply is lost (it committed), connections reset (a statement fails and nothing of
 * its transaction is applied; reading the position back fails too while it lasts), and a slow fsync
 * (each commit holds the batcher). Survives crashes and lost volumes: it is the database server's
 * weather, not the replica's state.
 */
final class StorageFaults {
  private final LongSupplier now;
  private boolean loseNextCommitReply;
  private long resetUntil = -1;
  private long slowUntil = -1;
  private long fsyncMillis;
  private long busyUntil = -1;
  private long lostReplies;
  private long failedStatements;
  private long slowCommits;

  /**
   * Not a fault but a mutation ({@code BrokenRulesAreCaughtTest}, rule 8 broken): the group commit
   * writes its entries and rows but not the request outcomes (a retry is applied again).
   */
  boolean dropsRequestOutcomes;

  /**
   * Not a fault but a mutation ({@code BrokenRulesAreCaughtTest}, rule 6 broken): the group
   * commit's transaction does not re-check the persisted epoch and role (no conditional update of
   * the meta row), so a COMMIT still in flight when a fence is persisted lands after it.
   */
  boolean skipsEpochRecheck;

  StorageFaults(LongSupplier now) {
    this.now = now;
  }

  void loseNextCommitReply() {
    loseNextCommitReply = true;
  }

  void resetFor(long millis) {
    resetUntil = now.getAsLong() + millis;
  }

  void slowFsync(long forMillis, long perCommitMillis) {
    slowUntil = now.getAsLong() + forMillis;
    fsyncMillis = perCommitMillis;
  }

  void healAll() {
    loseNextCommitReply = false;
    resetUntil = -1;
    slowUntil = -1;
  }

  /** How often each fault struck: {lost COMMIT replies, failed statements, slow commits}. */
  long[] struck() {
    return new long[] {lostReplies, failedStatements, slowCommits};
  }

  /** Until when the batcher is busy with a slow commit. */
  long busyUntil() {
    return busyUntil;
  }

  /** Before a statement: fails it while connections are being reset (nothing is applied). */
  void statement() throws SQLException {
    if (now.getAsLong() < resetUntil) {
      failedStatements++;
      throw new SQLException("Connection reset", "08S01");
    }
  }

  /** After a commit that applied: its reply may be lost, and it may have taken long. */
  void committed() throws SQLException {
    if (now.getAsLong() < slowUntil) {
      slowCommits++;
      busyUntil = now.getAsLong() + fsyncMillis;
    }
    if (loseNextCommitReply) {
      loseNextCommitReply = false;
      lostReplies++;
      throw new SQLException("Communications link failure (the COMMIT reply was lost)", "08S01");
    }
  }
}

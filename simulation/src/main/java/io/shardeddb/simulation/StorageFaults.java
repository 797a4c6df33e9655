package io.shardeddb.simulation;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * A replica's database misbehaving, as the seed schedules it (DESIGN §5 rule 15's failure modes): a
 * COMMIT whose reply is lost (it committed), connections reset (a statement fails and nothing of
 * its transaction is applied; reading the position back fails too while it lasts), a slow fsync
 * (each commit holds the batcher), and the database server restarted under the live replica (issue
 * 47 finding 6: the transaction in flight lands or not, its caller hears an error either way, then
 * every call fails until the server is back with what it committed). Survives crashes and lost
 * volumes: it is the database server's weather, not the replica's state.
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

  /** A restart is due ({@link #restart}): the next transaction to commit is the one it cuts. */
  private boolean restartPending;

  private boolean restartLands;
  private long restartDown;
  private long downUntil = -1;
  private long restarts;
  private long cutMidCommit;

  /**
   * How long after a restart's time the transaction it cuts may still begin its COMMIT (ms): the
   * fault is aimed at a COMMIT in flight (finding 6's window), and the simulated clients commit a
   * few times a second, so most restarts cut one.
   */
  static final long IN_FLIGHT_WITHIN = 1_000;

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

  /**
   * The database server restarts under the live replica: it dies inside the next transaction that
   * commits within {@link #IN_FLIGHT_WITHIN} ms (which lands when {@code lands}, else rolls back;
   * its caller hears a lost connection either way), else at that bound ({@link #dieIfPending}); it
   * is down for {@code downMillis} from its death.
   */
  void restart(long downMillis, boolean lands) {
    restartPending = true;
    restartLands = lands;
    restartDown = downMillis;
  }

  /** The restart's bound: the server dies now if no transaction was in flight meanwhile. */
  void dieIfPending() {
    if (restartPending) {
      die();
    }
  }

  private void die() {
    restartPending = false;
    restarts++;
    downUntil = now.getAsLong() + restartDown;
  }

  void healAll() {
    loseNextCommitReply = false;
    resetUntil = -1;
    slowUntil = -1;
    restartPending = false;
    downUntil = -1;
  }

  /**
   * How often each fault struck: {lost COMMIT replies, failed statements, slow commits, database
   * restarts, restarts that cut a transaction mid-COMMIT}.
   */
  long[] struck() {
    return new long[] {lostReplies, failedStatements, slowCommits, restarts, cutMidCommit};
  }

  /** Whether the database server is down now (restarting). */
  boolean down() {
    return now.getAsLong() < downUntil;
  }

  /** Before any call of the database: fails while the server is down (nothing is applied). */
  void up() throws SQLException {
    if (down()) {
      throw new SQLException("Connection refused (the database is restarting)", "08S01");
    }
  }

  /**
   * A transaction's COMMIT begins: a pending restart that rolls it back dies now and fails it
   * (nothing applied); one that lands it dies once it applied ({@link #committed}).
   */
  void beforeCommit() throws SQLException {
    up();
    if (restartPending && !restartLands) {
      die();
      cutMidCommit++;
      throw new SQLException(
          "Communications link failure (the database restarted; the transaction rolled back)",
          "08S01");
    }
  }

  /** Until when the batcher is busy with a slow commit. */
  long busyUntil() {
    return busyUntil;
  }

  /**
   * Before a statement: fails it while connections are being reset or the server is down (nothing
   * is applied).
   */
  void statement() throws SQLException {
    if (now.getAsLong() < resetUntil) {
      failedStatements++;
      throw new SQLException("Connection reset", "08S01");
    }
    up();
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
    landedBeforeRestart();
  }

  /**
   * After a transaction that applied: a pending restart that lands it dies now, its reply lost (the
   * COMMIT was durable, the connection went with the server).
   */
  void landedBeforeRestart() throws SQLException {
    if (restartPending && restartLands) {
      die();
      cutMidCommit++;
      throw new SQLException(
          "Communications link failure (the database restarted; its COMMIT reply was lost)",
          "08S01");
    }
  }
}

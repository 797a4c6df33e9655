package io.shardeddb.router.sql;

import io.shardeddb.protocol.lb.KeyRange;
import java.time.Duration;

/**
 * How long and how many at once SQL statements may run (pure: the decisions, no clock, no I/O;
 * docs/sql.md, "Limits"). A statement is a <em>scan</em> unless it names at most {@code pointKeys}
 * shard keys (a SELECT, UPDATE or DELETE by key, a small key range) or is an INSERT (its rows name
 * their keys, and the body size bounds them). At most {@code maxConcurrentScans} scans of one
 * credential run at once; one more is refused at once (never queued) with {@link
 * StatementLimitException.Limit#CONCURRENCY}, and point statements are never counted nor refused,
 * so they keep answering while a credential's scans are at their cap. A read (a SELECT, the read of
 * an UPDATE or DELETE's matching keys) that runs past {@code statementTimeout} is stopped with
 * {@link StatementLimitException.Limit#DEADLINE}; an INSERT and the writes of an UPDATE/DELETE are
 * not cut off midway (their outcome would be unknown): the write path's failover deadline bounds
 * them.
 */
public record StatementLimits(Duration statementTimeout, int maxConcurrentScans, long pointKeys) {

  /**
   * The defaults of {@code shardeddb.router.sql.statement-timeout}, max-concurrent-scans,
   * point-keys.
   */
  public static final StatementLimits DEFAULTS =
      new StatementLimits(Duration.ofSeconds(30), 8, 1000);

  public StatementLimits {
    if (statementTimeout == null || !statementTimeout.isPositive()) {
      throw new IllegalArgumentException(
          "shardeddb.router.sql.statement-timeout must be a positive duration, not "
              + statementTimeout);
    }
    if (maxConcurrentScans < 1) {
      throw new IllegalArgumentException(
          "shardeddb.router.sql.max-concurrent-scans must be at least 1, not "
              + maxConcurrentScans);
    }
    if (pointKeys < 1) {
      throw new IllegalArgumentException(
          "shardeddb.router.sql.point-keys must be at least 1, not " + pointKeys);
    }
  }

  /** Whether {@code plan} is a scan (counted against the credential's cap). */
  public boolean isScan(SqlPlan plan) {
    return switch (plan) {
      case SqlPlan.Insert insert -> false;
      case SqlPlan.ChangeSchema add -> false;
      case SqlPlan.CreateTable create -> false;
      case SqlPlan.DropTable drop -> false;
      case SqlPlan.Select select -> wide(select.keys());
      case SqlPlan.Join join -> wide(join.select().keys());
      // One plan request per shard, no rows read.
      case SqlPlan.Explain explain -> false;
      case SqlPlan.Update update -> wide(update.keys());
      case SqlPlan.Delete delete -> wide(delete.keys());
    };
  }

  /** Whether a credential with {@code scansInFlight} scans running may start one more. */
  public boolean admitsScan(int scansInFlight) {
    return scansInFlight < maxConcurrentScans;
  }

  /** The refusal of one scan too many for {@code credential}. */
  public StatementLimitException tooManyScans(String credential) {
    return new StatementLimitException(
        StatementLimitException.Limit.CONCURRENCY,
        maxConcurrentScans,
        "too many concurrent scans for the "
            + credential
            + ": at most "
            + maxConcurrentScans
            + " statements that read more than "
            + pointKeys
            + " shard keys run at once per credential"
            + " (shardeddb.router.sql.max-concurrent-scans); retry when one has finished, or"
            + " narrow the WHERE by the shard key");
  }

  /** The failure of a read of {@code plan} that ran past {@link #statementTimeout}. */
  public StatementLimitException pastDeadline(SqlPlan plan) {
    boolean read = plan instanceof SqlPlan.Select || plan instanceof SqlPlan.Join;
    String nothing = read ? "" : " (nothing was changed)";
    return new StatementLimitException(
        StatementLimitException.Limit.DEADLINE,
        statementTimeout.toMillis(),
        "the "
            + plan.kind().toUpperCase(java.util.Locale.ROOT)
            + " ran past its deadline of "
            + statementTimeout.toMillis()
            + " ms (shardeddb.router.sql.statement-timeout) and was stopped"
            + nothing
            + "; narrow the WHERE by the shard key or add a LIMIT");
  }

  /** Whether {@code keys} names more than {@link #pointKeys} keys (without overflowing). */
  boolean wide(KeyRanges keys) {
    long n = 0;
    for (KeyRange r : keys.ranges()) {
      // high - low + 1 overflows for very wide ranges: compare before adding.
      long span = r.high() - r.low();
      if (span < 0 || span >= pointKeys) {
        return true;
      }
      n += span + 1;
      if (n > pointKeys) {
        return true;
      }
    }
    return false;
  }
}

package io.shardeddb.shardserver.storage;

import com.mysql.cj.jdbc.StatementImpl;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.shardserver.ShardException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.function.LongSupplier;

/**
 * How long a read's SQL may still run: the time its caller had left when it asked (the router's
 * statement deadline, sent as {@link ShardEndpoints#TIMEOUT_FIELD}), counted from when the request
 * was planned, so a wait for an LSN before the query uses it up too. A statement bounded by it
 * ({@link #bound}) gets the time left as its JDBC query timeout, in milliseconds: MySQL
 * Connector/J's own timer then sends {@code KILL QUERY} for it on another connection, which stops
 * the statement inside MySQL (or MariaDB) whatever it is doing — scanning, sorting, waiting for a
 * lock — so a scan the router abandoned at its deadline does not keep a shard's MySQL busy. The
 * driver then throws {@link SQLTimeoutException}, which {@link #answerTo} turns into the answer:
 * {@link ShardEndpoints#DEADLINE_PASSED}, naming the deadline. Without a deadline ({@link #none})
 * nothing is bounded, as before.
 */
public final class StatementDeadline {
  private static final StatementDeadline NONE = new StatementDeadline(0, Long.MAX_VALUE, null);

  private final long givenMillis;
  private final long atNanos;
  private final LongSupplier nanoTime;

  private StatementDeadline(long givenMillis, long atNanos, LongSupplier nanoTime) {
    this.givenMillis = givenMillis;
    this.atNanos = atNanos;
    this.nanoTime = nanoTime;
  }

  /** No deadline: statements run unbounded. */
  public static StatementDeadline none() {
    return NONE;
  }

  /** A deadline {@code millis} from now ({@code millis} at least 1). */
  public static StatementDeadline in(long millis) {
    return in(millis, System::nanoTime);
  }

  /** As above, on the clock {@code nanoTime}. */
  static StatementDeadline in(long millis, LongSupplier nanoTime) {
    if (millis < 1) {
      throw new IllegalArgumentException("a deadline is at least 1 ms away, not " + millis);
    }
    return new StatementDeadline(millis, nanoTime.getAsLong() + millis * 1_000_000L, nanoTime);
  }

  /** Whether there is a deadline. */
  public boolean bounded() {
    return this != NONE;
  }

  /** Milliseconds left, rounded up; 0 or less once it passed. */
  long millisLeft() {
    long nanos = atNanos - nanoTime.getAsLong();
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  /**
   * Gives {@code statement} the time left as its query timeout; throws {@link #passed} when none is
   * left (the statement is then not run at all).
   */
  public void bound(Statement statement) throws SQLException {
    if (!bounded()) {
      return;
    }
    long left = millisLeft();
    if (left <= 0) {
      throw passed();
    }
    if (statement.isWrapperFor(StatementImpl.class)) {
      statement.unwrap(StatementImpl.class).setTimeoutInMillis(left);
    } else {
      // Another driver: JDBC's own timeout, in whole seconds.
      statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (left + 999) / 1000));
    }
  }

  /**
   * What a read that failed with {@code e} answers: {@link #passed} when the driver stopped one of
   * its {@link #bound} statements at its timeout, else {@code e} itself.
   */
  public RuntimeException answerTo(StorageException e) {
    return bounded() && e.getCause() instanceof SQLTimeoutException ? passed() : e;
  }

  /** The answer to a read whose deadline passed: 504, naming the deadline. */
  public ShardException passed() {
    return new ShardException(
        ShardEndpoints.DEADLINE_PASSED,
        "the read ran past the deadline its caller gave ("
            + ShardEndpoints.TIMEOUT_FIELD
            + " "
            + givenMillis
            + " ms, the router's statement deadline) and its SQL was stopped in MySQL");
  }
}

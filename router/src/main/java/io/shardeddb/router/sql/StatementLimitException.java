package io.shardeddb.router.sql;

import io.shardeddb.router.ApiException;

/**
 * A statement stopped or refused by {@link StatementLimits}: {@link Limit#CONCURRENCY} is a 429
 * (this credential has its cap of scans running; retry later), {@link Limit#DEADLINE} a 503 (the
 * read ran past the statement deadline and was stopped). The MySQL port answers them with MySQL's
 * codes for the same limits ({@code StatementReplies}).
 */
public final class StatementLimitException extends ApiException {

  /** Which limit, and the HTTP status it answers with. */
  public enum Limit {
    CONCURRENCY(429),
    DEADLINE(503);

    private final int status;

    Limit(int status) {
      this.status = status;
    }
  }

  private final Limit limit;
  private final long value;

  public StatementLimitException(Limit limit, long value, String message) {
    super(limit.status, message);
    this.limit = limit;
    this.value = value;
  }

  /** The limit that stopped the statement. */
  public Limit limit() {
    return limit;
  }

  /** The limit's value: the cap of scans, or the deadline in milliseconds. */
  public long value() {
    return value;
  }
}

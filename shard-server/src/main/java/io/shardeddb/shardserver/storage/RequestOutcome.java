package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The outcome of a client request that carried an id (DESIGN §5 rule 8): the LSN it was applied at
 * (or the applied LSN when it failed), and the status and message it was answered with, so a retry
 * gets the same answer.
 */
@Serdeable
public record RequestOutcome(String requestId, long lsn, int status, @Nullable String message) {
  public static final int APPLIED = 200;

  public boolean applied() {
    return status == APPLIED;
  }
}

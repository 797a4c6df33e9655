package io.shardeddb.protocol.time;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.InvalidRequestException;

/** {@code POST /timestamps}: how many consecutive slots the caller wants (1..512). */
@Serdeable
public record TimestampRequest(Integer count) {

  /** The count, or a 400 naming the range. */
  public int validCount() {
    if (count == null || count < 1 || count > TimestampOracle.MAX_COUNT) {
      throw new InvalidRequestException(
          "count must be a number from 1 to " + TimestampOracle.MAX_COUNT + ", was " + count);
    }
    return count;
  }
}

package io.shardeddb.protocol.time;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The oracle's answer: {@code count} slots from {@code first}, {@link GlobalTimestamp#SLOT} apart,
 * handed out by the oracle shard's primary of {@code epoch}.
 */
@Serdeable
public record TimestampResponse(long first, int count, long epoch) {

  /** The {@code i}-th slot (0-based). */
  public long slot(int i) {
    return first + i * GlobalTimestamp.SLOT;
  }
}

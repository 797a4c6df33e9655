package io.shardeddb.shardserver.identity;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.ExportGrant;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The moves the operator told this server of ({@code POST /ranges/export}): which other shard may
 * read which range of it, each until {@link ExportGrant#TTL_SECONDS} after it was last sent. In
 * memory only: after a restart or on a new primary the operator's next pass sends them again.
 */
@Singleton
public class ExportGrants {
  private final Map<String, Held> byMove = new ConcurrentHashMap<>();

  private record Held(ExportGrant grant, Instant until) {}

  /** Records {@code grant} at {@code now} (again: its time is renewed). */
  public void grant(ExportGrant grant, Instant now) {
    if (grant == null
        || grant.moveId() == null
        || grant.destination() == null
        || grant.range() == null) {
      throw new InvalidRequestException("an export grant needs moveId, destination and range");
    }
    byMove.put(
        grant.moveId(), new Held(grant, now.plus(Duration.ofSeconds(ExportGrant.TTL_SECONDS))));
  }

  /** The grants in force at {@code now}; expired ones are forgotten. */
  public List<ExportGrant> current(Instant now) {
    byMove.values().removeIf(h -> !now.isBefore(h.until()));
    return byMove.values().stream().map(Held::grant).toList();
  }
}

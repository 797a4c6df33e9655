package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-your-writes token: the LSN each shard had reached when the caller's writes were
 * acknowledged, encoded as {@code sh1:120,sh2:55}. A {@code session} read of a shard may be served
 * by any replica whose applied LSN is at least the token's for that shard (epochs only grow and
 * LSNs are never reused, so an LSN alone orders a shard's history).
 */
public record SessionToken(Map<String, Long> lsnByShard) {

  public SessionToken {
    lsnByShard = Map.copyOf(lsnByShard);
  }

  /** An empty token. */
  public static SessionToken empty() {
    return new SessionToken(Map.of());
  }

  /** Parses a token; null or blank gives an empty token. */
  public static SessionToken parse(String token) {
    Map<String, Long> m = new TreeMap<>();
    if (token == null || token.isBlank()) {
      return new SessionToken(m);
    }
    for (String part : token.split(",")) {
      int colon = part.lastIndexOf(':');
      if (colon <= 0) {
        throw new InvalidRequestException("malformed session token '" + token + "'");
      }
      try {
        m.merge(
            part.substring(0, colon).trim(),
            Long.parseLong(part.substring(colon + 1).trim()),
            Math::max);
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("malformed session token '" + token + "'");
      }
    }
    return new SessionToken(m);
  }

  /** The LSN required of {@code shard}, 0 when the token says nothing about it. */
  public long lsnFor(String shard) {
    return lsnByShard.getOrDefault(shard, 0L);
  }

  /** A token holding the higher LSN of the two for every shard. */
  public SessionToken merge(SessionToken other) {
    Map<String, Long> m = new TreeMap<>(lsnByShard);
    other.lsnByShard.forEach((k, v) -> m.merge(k, v, Math::max));
    return new SessionToken(m);
  }

  /** The encoded form, shards in name order. */
  public String encode() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(lsnByShard)
        .forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
    return sb.toString();
  }

  @Override
  public String toString() {
    return encode();
  }
}

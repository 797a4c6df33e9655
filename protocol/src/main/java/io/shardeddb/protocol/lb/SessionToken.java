package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-your-writes token: the log position {@code (epoch, lsn)} of each shard's last write the
 * caller saw acknowledged, encoded as {@code sh1:120@3,sh2:55@2} ({@code lsn@epoch}). A {@code
 * session} read of a shard may be served only by an in-sync replica whose log holds that very entry
 * (DESIGN §5 rule 9): an LSN alone is not enough, because a returning old primary may hold a
 * different entry at the same LSN. The older form {@code sh1:120} (no epoch) still parses; such a
 * position is checked by LSN alone.
 *
 * <p>{@code layout} is the generation of the published layout the writes were routed by ({@code
 * status.applied.layoutGeneration}, encoded as the entry {@code @layout:7}; 0 and absent when
 * unknown). A router whose layout is older than it cannot trust its own routing for the session
 * (safety review 2026-11-26 #5): a range may have moved to a shard the token names, and the old
 * owner's secondary, cut off before the move's fence reached it, still owns the range and holds
 * nothing the token asks of it. ({@code @} is in no shard id, so an older router reads the entry as
 * a shard it does not know and reads the session at the primaries, which is safe.)
 */
public record SessionToken(Map<String, Position> byShard, long layout) {

  /** The entry that carries {@link #layout}. */
  static final String LAYOUT = "@layout";

  /** One shard's position: {@code epoch} 0 when unknown (a token of the older form). */
  public record Position(long epoch, long lsn) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      return lsn != o.lsn ? Long.compare(lsn, o.lsn) : Long.compare(epoch, o.epoch);
    }

    String encode() {
      return epoch > 0 ? lsn + "@" + epoch : Long.toString(lsn);
    }
  }

  public SessionToken {
    byShard = Map.copyOf(byShard);
    if (layout < 0) {
      throw new IllegalArgumentException("layout generation " + layout + " < 0");
    }
  }

  /** A token of no known layout generation. */
  public SessionToken(Map<String, Position> byShard) {
    this(byShard, 0);
  }

  /** An empty token. */
  public static SessionToken empty() {
    return new SessionToken(Map.of());
  }

  /** A token for one shard's acknowledged write. */
  public static SessionToken of(String shard, long epoch, long lsn) {
    return new SessionToken(Map.of(shard, new Position(epoch, lsn)));
  }

  /** A token for one shard's acknowledged write routed by layout generation {@code layout}. */
  public static SessionToken of(String shard, long epoch, long lsn, long layout) {
    return new SessionToken(Map.of(shard, new Position(epoch, lsn)), layout);
  }

  /** Parses a token; null or blank gives an empty token. */
  public static SessionToken parse(String token) {
    Map<String, Position> m = new TreeMap<>();
    long layout = 0;
    if (token == null || token.isBlank()) {
      return new SessionToken(m);
    }
    if (token.length() > 64 * 1024) {
      throw new InvalidRequestException("session token longer than 65536 characters");
    }
    for (String part : token.split(",")) {
      int colon = part.lastIndexOf(':');
      if (colon <= 0) {
        throw malformed(token);
      }
      String value = part.substring(colon + 1).trim();
      int at = value.indexOf('@');
      try {
        long lsn = Long.parseLong(at < 0 ? value : value.substring(0, at));
        long epoch = at < 0 ? 0 : Long.parseLong(value.substring(at + 1));
        if (lsn < 0 || epoch < 0) {
          throw malformed(token);
        }
        if (part.substring(0, colon).trim().equals(LAYOUT)) {
          if (at >= 0) {
            throw malformed(token);
          }
          layout = Math.max(layout, lsn);
          continue;
        }
        m.merge(part.substring(0, colon).trim(), new Position(epoch, lsn), SessionToken::later);
      } catch (NumberFormatException e) {
        throw malformed(token);
      }
    }
    return new SessionToken(m, layout);
  }

  private static InvalidRequestException malformed(String token) {
    return new InvalidRequestException(
        "malformed session token '"
            + (token.length() > 200 ? token.substring(0, 200) + "..." : token)
            + "' (expected shard:lsn@epoch,...)");
  }

  private static Position later(Position a, Position b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The LSN required of {@code shard}, 0 when the token says nothing about it. */
  public long lsnFor(String shard) {
    Position p = byShard.get(shard);
    return p == null ? 0 : p.lsn();
  }

  /** The epoch of that entry, 0 when unknown. */
  public long epochFor(String shard) {
    Position p = byShard.get(shard);
    return p == null ? 0 : p.epoch();
  }

  /** A token holding the later position of the two for every shard, and the later layout. */
  public SessionToken merge(SessionToken other) {
    Map<String, Position> m = new TreeMap<>(byShard);
    other.byShard.forEach((k, v) -> m.merge(k, v, SessionToken::later));
    return new SessionToken(m, Math.max(layout, other.layout));
  }

  /** The encoded form, shards in name order. */
  public String encode() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(byShard)
        .forEach(
            (k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v.encode()));
    if (layout > 0) {
      sb.append(sb.isEmpty() ? "" : ",").append(LAYOUT).append(':').append(layout);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return encode();
  }
}

package io.shardeddb.shardserver.http;

import io.micronaut.core.annotation.Nullable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.shardserver.replication.Ownership;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.Map;

/**
 * Reads the fields that every shard-server data request shares: the shard id, the request id and
 * the router's {@link ShardEndpoints#OWNED_HEADER}.
 */
final class RequestFields {
  private RequestFields() {}

  /** Fails unless the request names this server's shard. */
  static void requireShard(ShardConfig config, Object shard, String server) {
    if (shard == null) {
      throw new InvalidRequestException("missing field 'shard'");
    }
    if (!config.shardId().equals(String.valueOf(shard))) {
      throw new InvalidRequestException(
          "shard-server " + server + " holds shard " + config.shardId() + ", not " + shard);
    }
  }

  /** The optional client request id (a string of at most 191 characters). */
  static String requestId(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof CharSequence s) || s.isEmpty() || s.length() > 191) {
      throw new InvalidRequestException(
          "field 'requestId' must be a string of 1 to 191 characters");
    }
    return s.toString();
  }

  /**
   * The optional global timestamp slot a write carries (DESIGN §11): a positive number, or 0 when
   * absent.
   */
  static long timestamp(Object raw) {
    if (raw == null) {
      return 0;
    }
    if (!(raw instanceof Number n) || n.longValue() <= 0 || n.doubleValue() != n.longValue()) {
      throw new InvalidRequestException("field 'timestamp' must be a positive whole number");
    }
    return n.longValue();
  }

  /** The optional {@code minLsn} of a session read. */
  static Long minLsn(Map<String, ?> body) {
    Object raw = body.get("minLsn");
    return raw == null ? null : (Long) ColumnType.Number.coerce("minLsn", raw);
  }

  /** The optional {@code minEpoch} of a session read (the epoch of the entry at minLsn). */
  static Long minEpoch(Map<String, ?> body) {
    Object raw = body.get("minEpoch");
    return raw == null ? null : (Long) ColumnType.Number.coerce("minEpoch", raw);
  }

  /**
   * The optional session floor {@code (floorEpoch, floorLsn)} of a session read (the shard's last
   * adopt, as the router's layout publishes it): null when absent; both or neither, each 0 or more.
   */
  static LogPosition floor(Map<String, ?> body) {
    Object epoch = body.get("floorEpoch");
    Object lsn = body.get("floorLsn");
    if (epoch == null && lsn == null) {
      return null;
    }
    if (epoch == null || lsn == null) {
      throw new InvalidRequestException(
          "fields 'floorEpoch' and 'floorLsn' go together (the shard's session floor)");
    }
    long e = (Long) ColumnType.Number.coerce("floorEpoch", epoch);
    long l = (Long) ColumnType.Number.coerce("floorLsn", lsn);
    if (e < 0 || l < 0) {
      throw new InvalidRequestException("fields 'floorEpoch' and 'floorLsn' must be 0 or more");
    }
    return new LogPosition(e, l);
  }

  /** The optional {@code limit} of a read: rows per page, 1 or more. */
  static Integer limit(Map<String, ?> body) {
    Object raw = body.get("limit");
    if (raw == null) {
      return null;
    }
    long limit = (Long) ColumnType.Number.coerce("limit", raw);
    if (limit < 1) {
      throw new InvalidRequestException("field 'limit' must be 1 or more, got " + limit);
    }
    return (int) Math.min(limit, Integer.MAX_VALUE);
  }

  /**
   * The optional {@code table} of a read, write, update or delete: the table of {@code config} it
   * is of (absent: the database's first table, the assignment's); a 404 naming an unknown one, a
   * 400 for a value that is not a string.
   */
  static io.shardeddb.protocol.schema.TableSchema table(
      io.shardeddb.shardserver.storage.ShardConfig config, Map<String, ?> body) {
    Object raw = body.get("table");
    if (raw != null && !(raw instanceof String)) {
      throw new InvalidRequestException("field 'table' must be a string, got " + raw);
    }
    return config.table((String) raw);
  }

  /**
   * The optional {@link ShardEndpoints#TIMEOUT_FIELD} of a read: the milliseconds its caller has
   * left, 1 or more.
   */
  static Long timeoutMs(Map<String, ?> body) {
    Object raw = body.get(ShardEndpoints.TIMEOUT_FIELD);
    if (raw == null) {
      return null;
    }
    long ms = (Long) ColumnType.Number.coerce(ShardEndpoints.TIMEOUT_FIELD, raw);
    if (ms < 1) {
      throw new InvalidRequestException(
          "field '" + ShardEndpoints.TIMEOUT_FIELD + "' must be 1 or more (ms), got " + ms);
    }
    return ms;
  }

  /** Whether the read asks for {@code "count": true} (how many rows match, not the rows). */
  static boolean count(Map<String, ?> body) {
    Object raw = body.get("count");
    if (raw == null || Boolean.FALSE.equals(raw)) {
      return false;
    }
    if (Boolean.TRUE.equals(raw)) {
      return true;
    }
    throw new InvalidRequestException("field 'count' must be true or false");
  }

  /**
   * Whether the read asks for each row's global timestamp ({@code "timestamps": true}: the rows
   * carry {@link io.shardeddb.protocol.shard.RowTimestamps#FIELD}).
   */
  static boolean timestamps(Map<String, ?> body) {
    Object raw = body.get(io.shardeddb.protocol.shard.RowTimestamps.READ_FIELD);
    if (raw == null || Boolean.FALSE.equals(raw)) {
      return false;
    }
    if (Boolean.TRUE.equals(raw)) {
      return true;
    }
    throw new InvalidRequestException(
        "field '"
            + io.shardeddb.protocol.shard.RowTimestamps.READ_FIELD
            + "' must be true or false");
  }

  /** Whether the read asks for {@code "consistency":"primary"} (other values change nothing). */
  static boolean primaryConsistency(Map<String, ?> body) {
    return "primary".equals(consistency(body));
  }

  /** Whether {@code body} asks for {@code "consistency":"session"} (checked as above). */
  static boolean sessionConsistency(Map<String, ?> body) {
    return "session".equals(consistency(body));
  }

  /**
   * The {@code maxStalenessMs} of a {@code "consistency":"bounded"} read (required with it, 1 ms to
   * one hour); null for any other read.
   */
  static Long boundedStalenessMs(Map<String, ?> body) {
    if (!"bounded".equals(consistency(body))) {
      return null;
    }
    Object raw = body.get("maxStalenessMs");
    if (raw == null) {
      throw new InvalidRequestException(
          "field 'maxStalenessMs' is required with \"consistency\":\"bounded\"");
    }
    return ReadConsistency.maxStalenessMs(raw, 0);
  }

  /** The read's {@code consistency}, checked (null: none given). */
  private static String consistency(Map<String, ?> body) {
    Object raw = body.get("consistency");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof CharSequence s)) {
      throw new InvalidRequestException(
          "field 'consistency' must be one of \"primary\", \"session\", \"any\", \"bounded\"");
    }
    return switch (s.toString()) {
      case "primary", "session", "any", "bounded" -> s.toString();
      default ->
          throw new InvalidRequestException(
              "field 'consistency' must be one of \"primary\", \"session\", \"any\","
                  + " \"bounded\", got \""
                  + s
                  + "\"");
    };
  }

  /**
   * 421 when the router's layout ({@link ShardEndpoints#OWNED_HEADER}) says this shard owns other
   * ranges than it does: its layout is old (or new, and this shard has not caught up), and a range
   * read would otherwise come back incomplete.
   */
  static void requireExpectedOwnership(ShardConfig config, @Nullable String expected) {
    Ownership.requireExpected(config, expected);
  }
}

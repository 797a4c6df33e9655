package io.shardeddb.protocol.shard;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.PointRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths and status codes of the shard-server API that more than one process relies on
 * (docs/resharding.md for the range endpoints).
 */
public final class ShardEndpoints {
  private ShardEndpoints() {}

  /** Stop accepting reads and writes of a range; answers after a write quorum holds the fence. */
  public static final String FENCE_RANGE = "/ranges/fence";

  /**
   * {@code POST}: a schema change, applied as a log entry by the primary ({@link SchemaChange}).
   */
  public static final String SCHEMA = "/schema";

  /** Start owning a range (the destination at cut-over, or the source when a move is aborted). */
  public static final String ADOPT_RANGE = "/ranges/adopt";

  /** Delete the rows of a range the shard no longer owns. */
  public static final String PURGE_RANGE = "/ranges/purge";

  /**
   * The operator's grant to a move's source primary ({@link ExportGrant}): the destination shard's
   * pods may read the moved range's {@code /log} and {@code /snapshot}.
   */
  public static final String EXPORT_GRANT = "/ranges/export";

  /** Start ({@code POST}), inspect ({@code GET}) or stop ({@code DELETE ?moveId=}) an import. */
  public static final String IMPORT = "/import";

  /**
   * Several {@code /write} requests in one ({@link ShardWriteBatchRequest}): a router coalesces
   * concurrent writes to one primary; each item keeps its own request id and outcome.
   */
  public static final String WRITE_BATCH = "/write/batch";

  /** One transaction's changes, committed as one log entry ({@link ShardTxnRequest}). */
  /**
   * {@code POST} on the timestamp oracle's shard primary (DESIGN §11): {@code {"count": n}} →
   * {@code {"first": ts, "count": n}}, n consecutive global timestamp slots.
   */
  public static final String TIMESTAMPS = "/timestamps";

  public static final String TXN = "/txn";

  /** Several {@code /read} requests in one ({@link ShardReadBatchRequest}), each answered alone. */
  public static final String READ_BATCH = "/read/batch";

  /**
   * MariaDB's {@code EXPLAIN} of the SELECT a {@code /read} of the same body would run on this
   * replica ({@link ShardExplainResponse}); reads no rows. The router's {@code EXPLAIN} asks it
   * (docs/sql.md, "EXPLAIN").
   */
  public static final String READ_EXPLAIN = "/read/explain";

  /**
   * The answer to a read or write of a key whose point this shard does not own (421 Misdirected
   * Request): the router re-reads the topology and retries at the new owner.
   */
  public static final int NOT_OWNED = 421;

  /**
   * Field of a {@code /read} body: the milliseconds its caller has left (a router sends the time
   * left of its statement deadline with every range read of a SQL statement). The shard-server
   * bounds the read's SQL by it and answers {@link #DEADLINE_PASSED} once it passes; absent: no
   * bound. Older shard-servers ignore it.
   */
  public static final String TIMEOUT_FIELD = "timeoutMs";

  /**
   * The answer to a read that ran past its {@link #TIMEOUT_FIELD} (504): its SQL was stopped; the
   * caller has no time left to ask another replica, so it is not retried.
   */
  public static final int DEADLINE_PASSED = 504;

  /**
   * Request header a router sends with every read and write: the point ranges its published layout
   * says this shard owns, as {@code low+size} pairs joined by commas (e.g. {@code
   * 0+2048,4096+100}). A shard-server whose owned ranges differ answers {@link #NOT_OWNED}, so a
   * router with an old layout can neither write to a range that moved nor read an incomplete range
   * (rows of a range that moved away are not returned, whatever the sharding). Absent: only each
   * key is checked.
   */
  public static final String OWNED_HEADER = "X-Shard-Owned";

  /** {@code ranges} in the {@link #OWNED_HEADER} form. */
  public static String ownedHeader(List<PointRange> ranges) {
    StringBuilder b = new StringBuilder();
    for (PointRange r : ranges) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(r.low()).append('+').append(r.size());
    }
    return b.toString();
  }

  /** The ranges of an {@link #OWNED_HEADER} value (empty for a blank one). */
  public static List<PointRange> parseOwnedHeader(String value) {
    List<PointRange> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return List.of();
    }
    for (String part : value.split(",")) {
      String[] ls = part.trim().split("\\+");
      if (ls.length != 2) {
        throw new InvalidRequestException(
            "header " + OWNED_HEADER + ": '" + part + "' is not low+size");
      }
      try {
        out.add(new PointRange(Long.parseLong(ls[0].trim()), Long.parseLong(ls[1].trim())));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "header " + OWNED_HEADER + ": '" + part + "' is not a range (" + e.getMessage() + ")");
      }
    }
    return PointRange.normalize(out);
  }
}

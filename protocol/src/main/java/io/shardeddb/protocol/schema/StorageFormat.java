package io.shardeddb.protocol.schema;

import java.util.Collection;

/**
 * What a shard-server can store, read from its log and decode from the replication stream, as one
 * number that only grows (docs/log-format.md, "Compatibility rule"). A shard-server reports its
 * format in every heartbeat ({@code Heartbeat.storageFormat}; 0 from shard-servers before the
 * field), and the operator applies a schema change whose tables need a format only once every
 * replica of every shard reported at least that (so a table an older shard-server could not read —
 * a String or a composite key — is never created while one runs, e.g. half-way through {@code helm
 * upgrade}'s roll).
 *
 * <p>The levels are named after the log table's migration that brought them ({@code
 * V6__string_keys.sql}, {@code V7__composite_keys.sql}). A new key shape or any other table feature
 * an older shard-server would misread joins as the next level, {@link #CURRENT} moves to it, and
 * {@link #requiredBy} names which tables need it.
 */
public final class StorageFormat {
  /** Any shard-server: Number keys (and every shard-server that does not report a format). */
  public static final int BASE = 0;

  /** String shard keys: the log's {@code row_key_text}, the stream's key tag 2. */
  public static final int STRING_KEYS = 6;

  /** Composite primary keys: the log's {@code row_key_tuple}, the stream's key tag 3. */
  public static final int COMPOSITE_KEYS = 7;

  /** The format this build's shard-servers store. */
  public static final int CURRENT = COMPOSITE_KEYS;

  private StorageFormat() {}

  /** The least format a shard-server needs to hold {@code table}. */
  public static int requiredBy(TableSchema table) {
    if (table.hasCompositeKey()) {
      return COMPOSITE_KEYS;
    }
    if (table.hasStringKey()) {
      return STRING_KEYS;
    }
    return BASE;
  }

  /** The least format a shard-server needs to hold every table of {@code tables}. */
  public static int requiredBy(Collection<TableSchema> tables) {
    return tables.stream().mapToInt(StorageFormat::requiredBy).max().orElse(BASE);
  }

  /** What the format a shard-server needs gives it, for messages ("composite keys"). */
  public static String describe(int format) {
    return switch (format) {
      case COMPOSITE_KEYS -> "composite primary keys";
      case STRING_KEYS -> "String shard keys";
      default -> "format " + format;
    };
  }
}

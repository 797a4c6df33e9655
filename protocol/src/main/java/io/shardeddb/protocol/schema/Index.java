package io.shardeddb.protocol.schema;

import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A secondary index of the table: its name and the columns it is on, in order. Each shard keeps it
 * over the rows it stores (a local index, as Vitess's and CockroachDB's per-range indexes): a
 * filter on its leading columns is answered by every shard from the index instead of by reading
 * every row. Not unique: uniqueness per shard is not uniqueness of the table (docs/sql.md).
 */
@Serdeable
public record Index(String name, List<String> columns) {

  /** The most columns one index may have. */
  public static final int MAX_COLUMNS = 8;

  @Creator
  public Index {
    columns = columns == null ? List.of() : List.copyOf(columns);
  }
}

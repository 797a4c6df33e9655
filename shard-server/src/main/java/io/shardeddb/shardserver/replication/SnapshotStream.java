package io.shardeddb.shardserver.replication;

import io.shardeddb.shardserver.storage.RequestOutcome;
import java.io.IOException;
import java.util.Map;

/**
 * A primary's consistent snapshot as it arrives for a re-copy (rule 7): its {@link SnapshotHeader},
 * then {@code header.rows()} rows, then {@code header.requestIds()} request outcomes (rule 8). A
 * transport decodes its wire form (NDJSON over HTTP in {@link PeerClient}) into these values; close
 * it when done (an abandoned stream drops its connection).
 */
public interface SnapshotStream extends AutoCloseable {
  /** The header; the first call. */
  SnapshotHeader header() throws IOException;

  /** The next row, or null after the last one. */
  Map<String, Object> nextRow() throws IOException;

  /** The next request outcome (after the rows), or null after the last one. */
  RequestOutcome nextOutcome() throws IOException;

  @Override
  void close();
}

package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.topology.PointRange;
import java.io.IOException;
import java.util.Map;

/**
 * What a move's destination primary ({@link ImportService}) asks of the source shard's replicas:
 * who leads, a consistent snapshot of the moved range, and pages of the source's log filtered to it
 * — each only as far as a quorum of the source holds it (rule 13, enforced by the source). The
 * sibling of {@link PeerTransport} (which a replica uses within its own shard): {@link PeerClient}
 * implements both over HTTP/JSON, the simulator over its simulated network. Every call has a
 * deadline (rule 10) and fails with a {@link PeerRefusal} (the replica answered no) or any other
 * {@link IOException} (unreachable, timed out). Calls may block: the importer makes them from its
 * replica clock's background executor.
 */
public interface SourceTransport {
  /**
   * From now on the source replicas are {@code hostByUrl}: at each URL, the host name the pod's
   * certificate must carry (TLS; empty: nothing expected). Before any call to them.
   */
  default void expectSources(Map<String, String> hostByUrl) {}

  /** {@code GET /heartbeat} of the source replica at {@code url}. */
  Heartbeat heartbeat(String url) throws IOException, InterruptedException;

  /**
   * {@code GET /snapshot?low=&size=&primary=&epoch=}: the source primary's rows of {@code range} at
   * one LSN that a quorum of the source holds (header, rows; close it when done). Only {@code
   * primary}, as the unfenced primary of {@code epoch}, answers; any other server at {@code url}
   * refuses with 421 ({@code PrimaryIdentity}).
   */
  SnapshotStream rangeSnapshot(String url, String primary, long epoch, PointRange range)
      throws IOException, InterruptedException;

  /**
   * {@code GET /log?fromLsn=&low=&size=}: a page of the source primary's committed log from {@code
   * fromLsn} (0: from its first retained entry), entries outside {@code range} as no-ops; 410 when
   * the log no longer holds {@code fromLsn}. Only {@code primary} of {@code epoch} answers, as
   * above.
   */
  LogResponse rangeLog(
      String url, String primary, long epoch, long fromLsn, PointRange range, int limit)
      throws IOException, InterruptedException;
}

package io.shardeddb.shardserver.backup;

import io.micronaut.json.JsonMapper;
import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.Snapshot;
import io.shardeddb.shardserver.storage.UserTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A consistent snapshot as the NDJSON {@code /snapshot} sends (a {@link SnapshotHeader} line, one
 * row per line, one request outcome per line), read chunk by chunk from the snapshot's cursor as
 * the uploader pulls bytes, so memory holds one chunk whatever the shard's size; the rows' digest
 * is computed on the way, the same SHA-256 as {@code /checksum}.
 */
final class SnapshotStream extends InputStream {
  private static final int CHUNK_ROWS = 256;

  private final Snapshot snap;
  private final UserTable table;
  private final JsonMapper json;
  private final MessageDigest digest;
  private final AtomicLong rowsDone;
  private byte[] buffer;
  private int pos;
  private boolean rowsFinished;
  private boolean outcomesFinished;
  private long rowCount;

  SnapshotStream(
      Snapshot snap, UserTable table, SnapshotHeader header, JsonMapper json, AtomicLong rowsDone)
      throws IOException {
    this.snap = snap;
    this.table = table;
    this.json = json;
    this.rowsDone = rowsDone;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
    this.buffer = line(header);
  }

  /** The rows' digest (hex), once the stream has been read to its end. */
  String checksum() {
    return HexFormat.of().formatHex(digest.digest());
  }

  long rows() {
    return rowCount;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (buffer != null && pos >= buffer.length) {
      buffer = next();
      pos = 0;
    }
    if (buffer == null) {
      return -1;
    }
    int n = Math.min(len, buffer.length - pos);
    System.arraycopy(buffer, pos, b, off, n);
    pos += n;
    return n;
  }

  private byte[] next() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!rowsFinished) {
      List<Map<String, Object>> rows = snap.next(CHUNK_ROWS);
      if (rows.isEmpty()) {
        rowsFinished = true;
      } else {
        for (Map<String, Object> row : rows) {
          // The snapshot's own canonical form: each row under its table's schema (a row of
          // another table after that table's name), as /checksum and a restore's check hash it.
          digest.update(snap.canonical(row).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          out.write(line(table.toWire(row)));
        }
        rowCount += rows.size();
        rowsDone.set(rowCount);
        return out.toByteArray();
      }
    }
    if (!outcomesFinished) {
      List<RequestOutcome> ids = snap.nextOutcomes(CHUNK_ROWS);
      if (ids.isEmpty()) {
        outcomesFinished = true;
      } else {
        for (RequestOutcome o : ids) {
          out.write(line(o));
        }
        return out.toByteArray();
      }
    }
    return null;
  }

  private byte[] line(Object value) throws IOException {
    byte[] body = json.writeValueAsBytes(value);
    byte[] out = new byte[body.length + 1];
    System.arraycopy(body, 0, out, 0, body.length);
    out[body.length] = '\n';
    return out;
  }
}

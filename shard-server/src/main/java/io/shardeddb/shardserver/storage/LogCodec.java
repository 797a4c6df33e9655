package io.shardeddb.shardserver.storage;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Converts log entries to and from their stored form (rows as JSON text). */
@Singleton
public class LogCodec {
  private static final Argument<List<Map<String, Object>>> ROWS =
      Argument.listOf(Argument.mapOf(String.class, Object.class));
  private final JsonMapper json;

  public LogCodec(JsonMapper json) {
    this.json = json;
  }

  public LogRecord toRecord(LogEntry e) {
    try {
      String payload = e.rows() == null ? null : json.writeValueAsString(e.rows());
      return new LogRecord(
          e.lsn(),
          e.epoch(),
          e.op().name(),
          e.key() instanceof Long k ? k : null,
          e.requestId(),
          payload,
          e.commitMillis(),
          e.timestamp(),
          e.table(),
          e.key() instanceof String k ? k : null,
          e.key() instanceof List<?> tuple ? json.writeValueAsString(tuple) : null);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode log entry " + e.lsn(), ex);
    }
  }

  public LogEntry toEntry(LogRecord r) {
    try {
      List<Map<String, Object>> rows =
          r.payload() == null ? null : json.readValue(r.payload(), ROWS);
      return new LogEntry(
          r.lsn(),
          r.epoch(),
          Operation.valueOf(r.op()),
          rows,
          r.rowKeyTuple() != null
              ? tuple(r.rowKeyTuple())
              : r.rowKeyText() != null ? r.rowKeyText() : r.rowKey(),
          r.requestId(),
          r.commitMillis(),
          r.globalTs(),
          r.tableName());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot decode log entry " + r.lsn(), ex);
    }
  }

  /** A composite key stored as a JSON array of numbers and strings, as its key value. */
  private List<Object> tuple(String text) throws IOException {
    io.micronaut.json.tree.JsonNode node =
        json.readValue(text, io.micronaut.json.tree.JsonNode.class);
    List<Object> out = new java.util.ArrayList<>(node.size());
    for (io.micronaut.json.tree.JsonNode part : node.values()) {
      out.add(part.isString() ? part.getStringValue() : (Object) part.getLongValue());
    }
    return out;
  }
}

package io.shardeddb.shardserver.replication.stream;

import static io.shardeddb.protocol.stream.Frames.readString;
import static io.shardeddb.protocol.stream.Frames.writeString;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.shardeddb.protocol.shard.EntryTrace;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.stream.Frames;
import io.shardeddb.protocol.stream.TypedValues;
import io.shardeddb.protocol.trace.TraceContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames of the replication stream and the compact binary encoding of what they carry: a {@link
 * ReplicateRequest} (its log entries with typed row values — no JSON text for numbers, strings or
 * booleans) and a {@link ReplicateResponse}. The framing, strings, bodies, the hello and the
 * refusal are {@link Frames}' (shared with the router's data stream); the row values are {@link
 * TypedValues#replication}'s (the data stream's typed bodies use the same encoding), where a value
 * of a type without a tag of its own goes as its JSON.
 */
final class ReplicateCodec {
  /** Client → server: one {@code replicate} request. */
  static final byte REPLICATE = 3;

  /** Server → client: its answer. */
  static final byte REPLICATED = 4;

  /**
   * The version of the per-entry fields after the frame's first form: 1 = commit time; 2 = also the
   * global timestamp, after the bounded-read promise (always written from version 2 on, -1 when
   * none), so a version-1 reader reads its fields and the promise and ignores the rest; 3 = also
   * the entry traces block after the timestamps ({@link TraceContext#writeEntryTraces}: a count,
   * then per traced entry its LSN and traceparent; docs/monitoring.md, "Traces"; absent when none
   * is traced), which a version-2 reader ignores; 4 = also the entry tables block after it (a
   * count, then per entry of a table other than the database's first its LSN and the table's name;
   * absent when every entry is of the first table, and then the traces block may be absent too;
   * when present, the traces block is written before it, empty if need be), which a version-3
   * reader ignores.
   */
  private static final byte ENTRY_FIELDS_VERSION = 4;

  private final TypedValues values;

  ReplicateCodec(JsonMapper json) {
    this.values =
        TypedValues.replication(
            new TypedValues.Json() {
              @Override
              public byte[] write(Object value) throws IOException {
                return json.writeValueAsBytes(value);
              }

              @Override
              public Object read(byte[] text) throws IOException {
                return json.readValue(text, Argument.OBJECT_ARGUMENT);
              }
            });
  }

  void writeRequest(ByteBuf out, ReplicateRequest r) {
    out.writeLong(r.epoch());
    writeString(out, r.primary());
    out.writeLong(r.prevLsn());
    out.writeLong(r.prevEpoch());
    List<LogEntry> entries = r.entries() == null ? List.of() : r.entries();
    out.writeInt(entries.size());
    for (LogEntry e : entries) {
      out.writeLong(e.lsn());
      out.writeLong(e.epoch());
      writeString(out, e.op() == null ? null : e.op().name());
      List<Map<String, Object>> rows = e.rows();
      out.writeInt(rows == null ? -1 : rows.size());
      if (rows != null) {
        for (Map<String, Object> row : rows) {
          values.writeMap(out, row);
        }
      }
      // The key's tag: 0 none, 1 a Number key's long, 2 a String key's text, 3 a composite
      // key's values (a count, then each value tagged 1 or 2). A server before String or
      // composite keys never receives tag 2 or 3: only a table keyed so writes one.
      if (e.key() instanceof List<?> tuple) {
        out.writeByte(3);
        out.writeByte(tuple.size());
        for (Object part : tuple) {
          writeKeyValue(out, part);
        }
      } else if (e.key() == null) {
        out.writeByte(0);
      } else {
        writeKeyValue(out, e.key());
      }
      writeString(out, e.requestId());
    }
    // Last, so a server before it reads the frame as it did and ignores the rest.
    writeString(out, r.replica());
    writeEntryFields(out, entries);
    // After the entry fields, so a server before it ignores it: the bounded-read promise (-1 when
    // none, which every reader of it takes as none).
    out.writeLong(r.commitLsn() == null ? -1 : r.commitLsn());
    // Version 2's field, after everything a version-1 reader reads.
    for (LogEntry e : entries) {
      out.writeLong(e.timestamp());
    }
    // Version 3's block, after everything a version-2 reader reads; absent when no entry is traced
    // (traces off), so that costs nothing on the wire.
    boolean tables = entries.stream().anyMatch(e -> e.table() != null);
    if (tables || (r.traces() != null && !r.traces().isEmpty())) {
      TraceContext.writeEntryTraces(out, r.traces());
    }
    // Version 4's block, after everything a version-3 reader reads; absent when every entry is of
    // the database's first table (every entry before a database could have several).
    if (tables) {
      writeEntryTables(out, entries);
    }
  }

  /** The entries' tables: a count, then per entry of a named table its LSN and the name. */
  private static void writeEntryTables(ByteBuf out, List<LogEntry> entries) {
    List<LogEntry> named = entries.stream().filter(e -> e.table() != null).toList();
    out.writeInt(named.size());
    for (LogEntry e : named) {
      out.writeLong(e.lsn());
      writeString(out, e.table());
    }
  }

  /** {@code entries} with the tables {@link #writeEntryTables} wrote (none when absent). */
  private static List<LogEntry> readEntryTables(ByteBuf in, List<LogEntry> entries) {
    if (in.readableBytes() < Integer.BYTES) {
      return entries;
    }
    int n = in.readInt();
    if (n < 0 || n > entries.size()) {
      throw new IllegalArgumentException("malformed entry tables block: " + n + " tables");
    }
    Map<Long, String> tables = new HashMap<>();
    for (int i = 0; i < n; i++) {
      long lsn = in.readLong();
      tables.put(lsn, readString(in));
    }
    List<LogEntry> out = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      String t = tables.get(e.lsn());
      out.add(t == null ? e : e.withTable(t));
    }
    return out;
  }

  /**
   * The entries' fields added after the frame's first form (docs/log-format.md), after everything
   * an older server reads, so it ignores them: a version, then per entry what that version holds
   * (1: the commit time; version 2's timestamps follow the bounded-read promise).
   */
  private static void writeEntryFields(ByteBuf out, List<LogEntry> entries) {
    out.writeByte(ENTRY_FIELDS_VERSION);
    for (LogEntry e : entries) {
      out.writeLong(e.commitMillis());
    }
  }

  /** {@code entries} with the commit times {@link #writeEntryFields} added (version 1 on). */
  private static List<LogEntry> readCommitTimes(ByteBuf in, List<LogEntry> entries) {
    List<LogEntry> out = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      long commitMillis = in.readLong();
      out.add(
          new LogEntry(e.lsn(), e.epoch(), e.op(), e.rows(), e.key(), e.requestId(), commitMillis));
    }
    return out;
  }

  ReplicateRequest readRequest(ByteBuf in) {
    long epoch = in.readLong();
    String primary = readString(in);
    long prevLsn = in.readLong();
    long prevEpoch = in.readLong();
    int n = in.readInt();
    List<LogEntry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long lsn = in.readLong();
      long entryEpoch = in.readLong();
      String op = readString(in);
      int rowCount = in.readInt();
      List<Map<String, Object>> rows = null;
      if (rowCount >= 0) {
        rows = new ArrayList<>(rowCount);
        for (int j = 0; j < rowCount; j++) {
          rows.add(values.readMap(in));
        }
      }
      byte keyTag = in.readByte();
      Object key;
      if (keyTag == 3) {
        int count = in.readByte();
        List<Object> tuple = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
          tuple.add(readKeyValue(in, in.readByte()));
        }
        key = tuple;
      } else {
        key = readKeyValue(in, keyTag);
      }
      String requestId = readString(in);
      entries.add(
          new LogEntry(
              lsn, entryEpoch, op == null ? null : Operation.valueOf(op), rows, key, requestId));
    }
    String replica = in.isReadable() ? readString(in) : null;
    int version = in.isReadable() ? in.readByte() : 0;
    List<LogEntry> withFields = version >= 1 ? readCommitTimes(in, entries) : entries;
    Long commitLsn = null;
    if (in.readableBytes() >= Long.BYTES) {
      long c = in.readLong();
      commitLsn = c < 0 ? null : c;
    }
    if (version >= 2) {
      List<LogEntry> stamped = new ArrayList<>(withFields.size());
      for (LogEntry e : withFields) {
        stamped.add(e.withTimestamp(in.readLong()));
      }
      withFields = stamped;
    }
    List<EntryTrace> traces = version >= 3 ? TraceContext.readEntryTraces(in) : List.of();
    if (version >= 4) {
      withFields = readEntryTables(in, withFields);
    }
    return new ReplicateRequest(
        epoch,
        primary,
        prevLsn,
        prevEpoch,
        withFields,
        replica,
        commitLsn,
        traces.isEmpty() ? null : traces);
  }

  static void writeResponse(ByteBuf out, ReplicateResponse r) {
    out.writeLong(r.appliedLsn());
    out.writeLong(r.epoch());
    out.writeBoolean(r.inSync());
    out.writeLong(r.matchLsn());
  }

  static ReplicateResponse readResponse(ByteBuf in) {
    return new ReplicateResponse(in.readLong(), in.readLong(), in.readBoolean(), in.readLong());
  }

  /** One key value with its tag: 1 a Number key's long, 2 a String key's text. */
  private static void writeKeyValue(ByteBuf out, Object value) {
    if (value instanceof String text) {
      out.writeByte(2);
      writeString(out, text);
    } else {
      out.writeByte(1);
      out.writeLong((Long) value);
    }
  }

  private static Object readKeyValue(ByteBuf in, byte tag) {
    return switch (tag) {
      case 0 -> null;
      case 1 -> in.readLong();
      case 2 -> readString(in);
      default -> throw new IllegalArgumentException("unknown key tag " + tag);
    };
  }
}

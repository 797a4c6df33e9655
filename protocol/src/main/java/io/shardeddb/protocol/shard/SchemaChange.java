package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema change: one table's whole schema as of {@code version} (the first schema a shard was
 * configured with is version 1; each change, of any of the database's tables, raises it by one) —
 * the table altered, or created when the shard has no table of its name — or, with {@code drop},
 * that table dropped. The body of {@code POST /schema} (the operator asks a shard's primary) and,
 * as {@link #payload}, the single row of a {@link Operation#Schema} log entry, so every copy,
 * import, archive and restore applies it in log order (docs/log-format.md, "Schema entries" and
 * "Tables"). {@code tables} is set only in {@code GET /schema}'s answer ({@link #state}); a log
 * entry's payload never carries it.
 */
@Serdeable
public record SchemaChange(
    long version, TableSchema schema, @Nullable Boolean drop, @Nullable List<TableSchema> tables) {

  /** A change that alters or creates {@code schema}'s table, or with {@code drop} drops it. */
  public SchemaChange(long version, TableSchema schema, @Nullable Boolean drop) {
    this(version, schema, drop, null);
  }

  /** A change that alters or creates {@code schema}'s table. */
  public SchemaChange(long version, TableSchema schema) {
    this(version, schema, null, null);
  }

  /**
   * What {@code GET /schema} answers: the first table as {@code schema} and the other tables, in
   * creation order, as {@code tables} (absent when there are none), at {@code version}.
   */
  public static SchemaChange state(long version, TableSet tables) {
    return new SchemaChange(
        version, tables.first(), null, tables.others().isEmpty() ? null : tables.others());
  }

  /** The tables of a {@code GET /schema} answer: {@code schema} first, then {@code tables}. */
  public TableSet tableSet() {
    return new TableSet(schema, tables);
  }

  /** Whether the change drops its table. */
  public boolean drops() {
    return Boolean.TRUE.equals(drop);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * The entry's rows: one {@code {"version": n, "schema": "<the schema as JSON text>"}}, with
   * {@code "drop": true} when the change drops the table (absent otherwise, so the payload of a
   * change that alters a table is the one it always was).
   */
  public List<Map<String, Object>> payload() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("version", version);
    try {
      row.put("schema", JSON.writeValueAsString(schema));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("schema cannot be written as JSON", e);
    }
    if (drops()) {
      row.put("drop", true);
    }
    return List.of(row);
  }

  /** The change a Schema entry's rows carry; an unreadable payload is an IllegalStateException. */
  public static SchemaChange ofPayload(List<Map<String, Object>> rows) {
    if (rows == null || rows.size() != 1) {
      throw new IllegalStateException("a Schema entry carries one row, got " + rows);
    }
    Map<String, Object> row = rows.get(0);
    try {
      Object version = row.get("version");
      TableSchema schema = JSON.readValue(String.valueOf(row.get("schema")), TableSchema.class);
      return new SchemaChange(
          ((Number) version).longValue(),
          schema,
          Boolean.TRUE.equals(row.get("drop")) ? Boolean.TRUE : null);
    } catch (JsonProcessingException | ClassCastException | NullPointerException e) {
      throw new IllegalStateException("unreadable Schema entry " + row + ": " + e, e);
    }
  }

  /** Checks the body of {@code POST /schema}; a 400 naming what is wrong. */
  public SchemaChange validate() {
    if (version < 2) {
      throw new InvalidRequestException(
          "field 'version' must be at least 2 (version 1 is the schema of /config), got "
              + version);
    }
    if (schema == null) {
      throw new InvalidRequestException("missing field 'schema'");
    }
    schema.validate();
    return this;
  }
}

package io.shardeddb.protocol.lb;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.Map;

/**
 * Reads the contract bodies whose field names depend on the schema's shard key: {@code /read
 * {"Stud_id":{"low":1000,"high":8889}}}, {@code /update {"Stud_id":2255,"data":{..}}} and {@code
 * /del {"Stud_id":2255}}. Keys may be sent as JSON numbers or numeric strings.
 */
public final class ContractBodies {
  private ContractBodies() {}

  /** The inclusive range under {@code shardKey}; fails when missing, not numeric, or low > high. */
  public static KeyRange range(Map<String, ?> body, String shardKey) {
    Object raw = requireBody(body).get(shardKey);
    if (raw == null) {
      throw new InvalidRequestException(
          "missing field '"
              + shardKey
              + "' (expected {\""
              + shardKey
              + "\":{\"low\":..,\"high\":..}})");
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new InvalidRequestException(
          "field '" + shardKey + "' must be an object {\"low\":..,\"high\":..}");
    }
    if (m.get("low") == null) {
      throw new InvalidRequestException("missing field '" + shardKey + ".low'");
    }
    if (m.get("high") == null) {
      throw new InvalidRequestException("missing field '" + shardKey + ".high'");
    }
    long low = (Long) ColumnType.Number.coerce(shardKey + ".low", m.get("low"));
    long high = (Long) ColumnType.Number.coerce(shardKey + ".high", m.get("high"));
    if (low > high) {
      throw new InvalidRequestException(
          "range " + shardKey + ".low (" + low + ") is greater than high (" + high + ")");
    }
    return new KeyRange(low, high);
  }

  /**
   * The key bounds of a read of {@code schema}'s table: a Number key's as {@link #range} (required,
   * both bounds numeric); a String key's {@code {"low":"a","high":"m"}} with each bound a JSON
   * string (inclusive) or null/absent (unbounded), the whole field absent for every key. Fails
   * naming the field when a bound is not of the key's type, or low is greater than high.
   */
  public static KeyBounds bounds(Map<String, ?> body, TableSchema schema) {
    String shardKey = schema.shardKey();
    if (schema.hasCompositeKey()) {
      return compositeBounds(body, schema);
    }
    if (!schema.hasStringKey()) {
      return KeyBounds.of(range(body, shardKey));
    }
    Object raw = requireBody(body).get(shardKey);
    if (raw == null) {
      return KeyBounds.all();
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new InvalidRequestException(
          "field '" + shardKey + "' must be an object {\"low\":..,\"high\":..}");
    }
    Object low = stringBound(shardKey + ".low", m.get("low"));
    Object high = stringBound(shardKey + ".high", m.get("high"));
    if (low != null && high != null && ShardKeys.compare(low, high) > 0) {
      throw new InvalidRequestException(
          "range " + shardKey + ".low ('" + low + "') is greater than high ('" + high + "')");
    }
    return new KeyBounds(low, high);
  }

  /**
   * The bounds of a read of a table with a composite primary key: as a one-column key's (both
   * absent for every key), each bound a shard-key value (every row of that shard key) or — where a
   * paged read goes on from — a whole key as a JSON array, compared row-wise.
   */
  private static KeyBounds compositeBounds(Map<String, ?> body, TableSchema schema) {
    String shardKey = schema.shardKey();
    Object raw = requireBody(body).get(shardKey);
    if (raw == null) {
      return KeyBounds.all();
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new InvalidRequestException(
          "field '" + shardKey + "' must be an object {\"low\":..,\"high\":..}");
    }
    Object low = compositeBound(schema, shardKey + ".low", m.get("low"));
    Object high = compositeBound(schema, shardKey + ".high", m.get("high"));
    if (low != null && high != null && ShardKeys.compare(low, high) > 0) {
      throw new InvalidRequestException(
          "range " + shardKey + ".low (" + low + ") is greater than high (" + high + ")");
    }
    return new KeyBounds(low, high);
  }

  private static Object compositeBound(TableSchema schema, String field, Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof java.util.List<?>) {
      return schema.coerceKey(raw);
    }
    return ShardKeys.normalize(schema.keyType().coerce(field, raw));
  }

  /** One bound of a String key's range: null, or a string (a number is refused, naming it). */
  private static Object stringBound(String field, Object raw) {
    return raw == null ? null : ColumnType.String.coerce(field, raw);
  }

  /** The single key under {@code shardKey}; fails when missing or not an integer. */
  public static long key(Map<String, ?> body, String shardKey) {
    Object raw = requireBody(body).get(shardKey);
    if (raw == null) {
      throw new InvalidRequestException("missing field '" + shardKey + "'");
    }
    return (Long) ColumnType.Number.coerce(shardKey, raw);
  }

  /**
   * The single key under the schema's shard key, as its key value (a Long, or a String for a String
   * key); fails when missing or not of the key's type.
   */
  public static Object key(Map<String, ?> body, io.shardeddb.protocol.schema.TableSchema schema) {
    return schema.coerceKey(requireBody(body).get(schema.shardKey()));
  }

  /** The {@code data} object of an update; fails when missing or not an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> updateData(Map<String, ?> body) {
    Object raw = requireBody(body).get("data");
    if (raw == null) {
      throw new InvalidRequestException("missing field 'data'");
    }
    if (!(raw instanceof Map<?, ?>)) {
      throw new InvalidRequestException("field 'data' must be a JSON object of column values");
    }
    return (Map<String, Object>) raw;
  }

  private static Map<String, ?> requireBody(Map<String, ?> body) {
    if (body == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    return body;
  }
}

package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;

/**
 * AUTO_INCREMENT ids for a shard key (docs/sql.md, "Generated ids"). Each router hands out ids from
 * one counter per table, starting one past the largest key the table holds, which it finds once by
 * asking the shards whether any key lies at or above a probe ({@link MaxKeySearch}: about
 * 2·log2(max) counts, none of which moves a row). An id is taken only by an INSERT that refuses an
 * existing key, so two routers that pick the same id never overwrite a row: the second INSERT fails
 * whole with "already exists", and the executor forgets the counter, searches again and retries.
 * The ids of one statement are consecutive, so {@code last_insert_id} (the first) and Connector/J's
 * {@code getGeneratedKeys} name every one. As MySQL before 8.0 after a restart, an id whose row was
 * deleted at the top of the table can be handed out again.
 */
final class AutoIds {
  private final Map<String, Mono<long[]>> counters = new ConcurrentHashMap<>();

  /** The table's AUTO_INCREMENT column (always its shard key), or null. */
  static Column autoColumn(TableSchema schema) {
    Column key = schema.column(schema.shardKey());
    return key != null && key.isAutoIncrement() ? key : null;
  }

  /** The indexes of the rows that leave the AUTO_INCREMENT key out (none: not such a table). */
  static List<Integer> rowsWithoutKey(TableSchema schema, List<Map<String, Object>> rows) {
    List<Integer> out = new ArrayList<>();
    if (autoColumn(schema) == null) {
      return out;
    }
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).get(schema.shardKey()) == null) {
        out.add(i);
      }
    }
    return out;
  }

  /** {@code rows} with consecutive ids from {@code first} in the rows that left the key out. */
  static List<Map<String, Object>> withIds(
      TableSchema schema, List<Map<String, Object>> rows, List<Integer> missing, long first) {
    List<Map<String, Object>> out = new ArrayList<>(rows);
    long id = first;
    for (int i : missing) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Column c : schema.columns()) {
        row.put(
            c.name(), c.name().equals(schema.shardKey()) ? (Object) id : rows.get(i).get(c.name()));
      }
      out.set(i, row);
      id++;
    }
    return out;
  }

  /**
   * Reserves {@code n} consecutive ids of {@code table}; {@code anyAtOrAbove} tells whether the
   * table holds a key at or above its argument (the first reservation of a table searches with it).
   */
  Mono<Long> reserve(String table, int n, LongFunction<Mono<Boolean>> anyAtOrAbove) {
    return counters
        .computeIfAbsent(
            table,
            t ->
                MaxKeySearch.run(anyAtOrAbove)
                    .map(max -> new long[] {max + 1})
                    .doOnError(e -> counters.remove(t))
                    .cache())
        .map(
            next -> {
              synchronized (next) {
                long first = next[0];
                if (first > Long.MAX_VALUE - n) {
                  throw new InvalidRequestException(
                      "AUTO_INCREMENT of table " + table + " has no ids left");
                }
                next[0] = first + n;
                return first;
              }
            });
  }

  /** Forgets {@code table}'s counter: the next reservation searches the shards again. */
  void forget(String table) {
    counters.remove(table);
  }

  /**
   * Finds the largest positive key from "is there a key at or above x" answers: doubling from 1
   * until none, then halving the gap. Pure steps ({@link #probe}, {@link #answer}), driven by
   * {@link #run}. A table with no positive key has max 0 (the first id is 1).
   */
  static final class MaxKeySearch {
    private long low; // a key >= low exists (0: none known)
    private long high; // no key >= high (0: not known yet)

    /** The next x to ask about, or -1 when the search is over. */
    long probe() {
      if (high == 0) {
        return low == 0 ? 1 : (low > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : low * 2);
      }
      return high - low > 1 ? low + (high - low) / 2 : -1;
    }

    /** Records whether a key at or above {@code x} exists. */
    void answer(long x, boolean exists) {
      if (exists) {
        low = x;
        if (x == Long.MAX_VALUE) {
          high = Long.MAX_VALUE; // the key space is used up to its end
          low = Long.MAX_VALUE - 1;
        }
      } else {
        high = x;
      }
    }

    /** The largest key, once {@link #probe} is -1. */
    long max() {
      return high == 1 ? 0 : low;
    }

    static Mono<Long> run(LongFunction<Mono<Boolean>> anyAtOrAbove) {
      MaxKeySearch s = new MaxKeySearch();
      return step(s, anyAtOrAbove);
    }

    private static Mono<Long> step(MaxKeySearch s, LongFunction<Mono<Boolean>> anyAtOrAbove) {
      long x = s.probe();
      if (x < 0) {
        return Mono.just(s.max());
      }
      return anyAtOrAbove
          .apply(x)
          .flatMap(
              exists -> {
                s.answer(x, exists);
                return step(s, anyAtOrAbove);
              });
    }
  }
}

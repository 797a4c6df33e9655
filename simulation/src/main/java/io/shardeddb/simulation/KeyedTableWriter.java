package io.shardeddb.simulation;

import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A writer of one of the move world's other tables by whole key (issue 46): it inserts new rows
 * ({@code keyOf(0)}, {@code keyOf(1)}, ..), and updates, deletes and inserts again rows whose last
 * change was acknowledged, each change through the primary of the owner of the key's point in the
 * published layout (as the move world's other writers route), one change of a key at a time (the
 * next only once the last was acknowledged, so a key's changes are ordered). Each change writes a
 * value no other writes. Then the check of every replica's rows of the table against the history,
 * as {@link MoveSimulation}'s check of the first table's keys: present with the value of its last
 * acknowledged change (absent when that is a delete), or with that of the change after it whose
 * outcome stayed unknown (it may or may not have applied).
 */
final class KeyedTableWriter {
  /** What a change does to its row. */
  enum Kind {
    INSERT,
    UPDATE,
    DELETE
  }

  /** One change the writer sent: its outcome null while unanswered. */
  static final class Change {
    final Kind kind;
    final long value;
    final long sentAt;
    final String by;
    Boolean acknowledged;

    Change(Kind kind, long value, long sentAt, String by) {
      this.kind = kind;
      this.value = value;
      this.sentAt = sentAt;
      this.by = by;
    }

    /** The value the change leaves: null for a delete. */
    Long leaves() {
      return kind == Kind.DELETE ? null : value;
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT)
          + (kind == Kind.DELETE ? "" : " " + value)
          + " at t="
          + sentAt
          + " by "
          + by
          + (acknowledged == null ? " (unanswered)" : acknowledged ? " (ok)" : " (failed)");
    }
  }

  private final String table;
  private final IntFunction<Object> keyOf;
  private final int keys;
  private final Map<Object, List<Change>> history = new TreeMap<>(ShardKeys.ORDER);
  private final long[] acknowledged = new long[Kind.values().length];
  private int inserted;
  private int sent;

  /**
   * A writer of {@code table} that inserts at most {@code keys} keys, the i-th {@code keyOf(i)}.
   */
  KeyedTableWriter(String table, int keys, IntFunction<Object> keyOf) {
    this.table = table;
    this.keys = keys;
    this.keyOf = keyOf;
  }

  /**
   * Sends the next change, at {@code now}: an insert of a new key about half of the time (or when
   * no row is there to change), else an update (30%) or a delete (15%) of a row whose last change
   * was an acknowledged insert or update, or an insert again of a row whose acknowledged delete was
   * its last change (5%) — half of the time a row {@code moving} (whose range the spec gives
   * another shard), so changes meet the move's export of the source's log. {@code ownerOf} gives
   * the key's owner in the published layout, {@code primaryOf} that shard's primary (null: none
   * known; nothing is sent).
   */
  void writeNext(
      Random r,
      long now,
      Predicate<Object> moving,
      Function<Object, String> ownerOf,
      Function<String, SimReplica> primaryOf) {
    int roll = r.nextInt(100);
    Kind kind;
    Object key;
    boolean hot = r.nextBoolean();
    List<Object> present = settled(false, hot ? moving : k -> true);
    List<Object> deleted = settled(true, hot ? moving : k -> true);
    if (hot && present.isEmpty() && deleted.isEmpty()) {
      present = settled(false, k -> true);
      deleted = settled(true, k -> true);
    }
    if (roll >= 50 && roll < 80 && !present.isEmpty()) {
      kind = Kind.UPDATE;
      key = present.get(r.nextInt(present.size()));
    } else if (roll >= 80 && roll < 95 && !present.isEmpty()) {
      kind = Kind.DELETE;
      key = present.get(r.nextInt(present.size()));
    } else if (roll >= 95 && !deleted.isEmpty()) {
      kind = Kind.INSERT;
      key = deleted.get(r.nextInt(deleted.size()));
    } else if (inserted < keys) {
      kind = Kind.INSERT;
      key = keyOf.apply(inserted);
    } else {
      return;
    }
    String owner = ownerOf.apply(key);
    SimReplica p = owner == null ? null : primaryOf.apply(owner);
    if (p == null) {
      return;
    }
    long value = 1_000_000L + sent;
    String rid = table + "-" + sent;
    CompletableFuture<WriteCoordinator.Acked> f;
    try {
      f =
          switch (kind) {
            case INSERT -> p.tableWrite(table, key, value, rid);
            case UPDATE -> p.tableUpdate(table, key, value, rid);
            case DELETE -> p.tableDelete(table, key, rid);
          };
    } catch (RuntimeException e) {
      return; // not the primary any more, or not configured: nothing sent
    }
    sent++;
    if (kind == Kind.INSERT && !history.containsKey(key)) {
      inserted++;
    }
    Change c = new Change(kind, value, now, owner);
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    f.whenComplete(
        (acked, error) -> {
          c.acknowledged = error == null;
          if (error == null) {
            acknowledged[kind.ordinal()]++;
          }
        });
  }

  /**
   * Keys {@code among} whose every change was acknowledged, the last a delete ({@code deleted}) or
   * an insert or update.
   */
  private List<Object> settled(boolean deleted, Predicate<Object> among) {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<Object, List<Change>> e : history.entrySet()) {
      Change last = e.getValue().get(e.getValue().size() - 1);
      if (Boolean.TRUE.equals(last.acknowledged)
          && (last.kind == Kind.DELETE) == deleted
          && among.test(e.getKey())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The table it writes. */
  String table() {
    return table;
  }

  /** How many changes of {@code kind} were acknowledged. */
  long acknowledged(Kind kind) {
    return acknowledged[kind.ordinal()];
  }

  /**
   * Each key the writer sent a change of, on every replica holding data of its owner ({@code
   * ownerOf}: in the final layout; {@code podsOf}: the shard's replicas): absent or holding the
   * value of its last acknowledged change or of the (one) change after it, whose outcome stayed
   * unknown; absent only if neither is an insert or update, or no change of it was acknowledged.
   */
  List<String> violations(
      Function<Object, String> ownerOf, Function<String, List<SimReplica>> podsOf) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Object, List<Change>> e : history.entrySet()) {
      Object key = e.getKey();
      List<Change> changes = e.getValue();
      String owner = ownerOf.apply(key);
      if (owner == null) {
        continue;
      }
      int lastAck = -1;
      for (int i = 0; i < changes.size(); i++) {
        if (Boolean.TRUE.equals(changes.get(i).acknowledged)) {
          lastAck = i;
        }
      }
      Set<Long> allowed = new HashSet<>();
      if (lastAck < 0) {
        allowed.add(null);
      }
      for (int i = Math.max(0, lastAck); i < changes.size(); i++) {
        allowed.add(changes.get(i).leaves());
      }
      for (SimReplica rep : podsOf.apply(owner)) {
        if (rep.holdsNoData()) {
          continue;
        }
        Long value = rep.disk().valuesOf(table).get(key);
        if (allowed.contains(value)) {
          continue;
        }
        Change last = lastAck < 0 ? null : changes.get(lastAck);
        if (last == null) {
          out.add(
              table
                  + " row "
                  + quoted(key)
                  + " on "
                  + rep.name()
                  + " of its owner "
                  + owner
                  + " holds "
                  + value
                  + ", which no change of it wrote; its changes: "
                  + changes);
        } else if (value == null) {
          out.add(
              "acknowledged "
                  + table
                  + " row "
                  + quoted(key)
                  + " is missing on "
                  + rep.name()
                  + " of its owner "
                  + owner
                  + "; its changes: "
                  + changes);
        } else if (last.kind == Kind.DELETE) {
          out.add(
              "acknowledged delete of "
                  + table
                  + " row "
                  + quoted(key)
                  + " undone: "
                  + rep.name()
                  + " of its owner "
                  + owner
                  + " holds "
                  + value
                  + "; its changes: "
                  + changes);
        } else {
          out.add(
              table
                  + " row "
                  + quoted(key)
                  + " on "
                  + rep.name()
                  + " of its owner "
                  + owner
                  + " holds "
                  + value
                  + ", not its last acknowledged change ("
                  + last.value
                  + "); its changes: "
                  + changes);
        }
      }
    }
    return out;
  }

  /** A key as a violation names it: a String in quotes, a tuple in parentheses. */
  static String quoted(Object key) {
    if (key instanceof List<?> tuple) {
      return "(" + String.join(", ", tuple.stream().map(KeyedTableWriter::quoted).toList()) + ")";
    }
    return key instanceof String str ? "'" + str + "'" : String.valueOf(key);
  }
}

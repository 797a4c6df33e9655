package io.shardeddb.shardserver.replication.write;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.TxnStep;
import io.shardeddb.protocol.time.GlobalTimestamp;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The primary's group commit decided as a pure function (DESIGN §5 "Shape of the code"): from the
 * batch, the term, the log's position, what the shard owns and what storage knows (recorded request
 * outcomes, which keys have a row), the {@link BatchPlan}. No JDBC, clock or thread: the
 * shard-server's WriteCoordinator and the simulator's replica run this same code.
 */
public final class BatchPlanner {
  private BatchPlanner() {}

  /**
   * A row's identity in the database: its table — null for the database's first table, else the
   * table's name in lower case (names compare ignoring case) — and its shard key's value (a Long,
   * or a String for a String key: {@link io.shardeddb.protocol.schema.ShardKeys}).
   */
  public record RowKey(String table, Object key) {
    public RowKey {
      key = io.shardeddb.protocol.schema.ShardKeys.normalize(key);
    }

    /** The key of a row of the database's first table. */
    public static RowKey first(Object key) {
      return new RowKey(null, key);
    }

    /** The key of a row of table {@code table} of {@code config} (null: the first table). */
    public static RowKey of(ShardConfig config, String table, Object key) {
      return new RowKey(normal(config, table), key);
    }

    /** {@code table} as a RowKey names it: null for the first table, else in lower case. */
    public static String normal(ShardConfig config, String table) {
      return table == null || table.equalsIgnoreCase(config.schema().table())
          ? null
          : table.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What storage must be asked before planning: request ids to look up and keys to test, and the
   * schema of each other table a key names ({@link RowKey#table} to schema).
   */
  public record Lookup(
      List<String> requestIds, List<RowKey> keys, Map<String, TableSchema> tables) {}

  /**
   * A batch to plan. {@code changes} may hold nulls (wake-ups); {@code commitMillis} is the commit
   * time every entry of the batch carries; {@code outcomes} and {@code present} answer {@link
   * #lookupOf}; {@code toWire} turns a coerced row into its log form; {@code lastTimestamp} is the
   * global timestamp of the log's entry at {@code prevLsn} (0: none), which every entry of the
   * batch is above ({@link GlobalTimestamp#forEntry}).
   */
  public record Batch(
      List<ClientChange> changes,
      long epoch,
      boolean needNoop,
      long prevLsn,
      long commitMillis,
      ShardConfig config,
      Map<String, RequestOutcome> outcomes,
      Set<RowKey> present,
      UnaryOperator<Map<String, Object>> toWire,
      long lastTimestamp) {

    /** A batch after a log whose last entry carries no global timestamp. */
    public Batch(
        List<ClientChange> changes,
        long epoch,
        boolean needNoop,
        long prevLsn,
        long commitMillis,
        ShardConfig config,
        Map<String, RequestOutcome> outcomes,
        Set<RowKey> present,
        UnaryOperator<Map<String, Object>> toWire) {
      this(changes, epoch, needNoop, prevLsn, commitMillis, config, outcomes, present, toWire, 0);
    }
  }

  /**
   * The request ids (of client changes: an import's are never deduplicated) and the keys (of every
   * write, update and delete: each needs to know whether its row exists, in its table) of {@code
   * changes}. A change of a table {@code config} lacks adds no key (the plan refuses it).
   */
  public static Lookup lookupOf(List<ClientChange> changes, ShardConfig config) {
    List<String> requestIds = new ArrayList<>();
    List<RowKey> keys = new ArrayList<>();
    Map<String, TableSchema> tables = new HashMap<>();
    for (ClientChange ch : changes) {
      if (ch == null) {
        continue;
      }
      if (ch.requestId() != null && !ch.internal()) {
        requestIds.add(ch.requestId());
      }
      TableSchema schema = config.tableOrNull(ch.table());
      if (schema == null) {
        continue;
      }
      String table = RowKey.normal(config, ch.table());
      if (table != null) {
        tables.put(table, schema);
      }
      if (ch.op() == Operation.Write) {
        ch.rows().forEach(r -> keys.add(new RowKey(table, keyOf(r, schema))));
      } else if (ch.op() == Operation.Txn) {
        for (TxnStep t : TxnStep.ofPayload(ch.rows())) {
          TableSchema own = config.tableOrNull(t.table());
          if (own != null) {
            String stepTable = RowKey.normal(config, t.table());
            if (stepTable != null) {
              tables.put(stepTable, own);
            }
            keys.add(new RowKey(stepTable, t.keyIn(own)));
          }
        }
      } else if (ch.key() != null && !RangeRules.isRangeOp(ch.op())) {
        keys.add(new RowKey(table, ch.key()));
      }
    }
    return new Lookup(requestIds, keys, tables);
  }

  /**
   * Plans the batch in order, assigning LSNs from {@code prevLsn + 1} (the term's no-op first when
   * {@code needNoop}). The result equals applying the changes one by one: a retry gets its recorded
   * outcome (rule 8), a key not owned as of its point in the log is refused (421), an insert of a
   * held key 409, an update or delete of a missing one 404 (recorded with the request id), a range
   * entry changes the ownership later changes of the batch are checked against.
   */
  public static BatchPlan plan(Batch in) {
    Map<String, RequestOutcome> seen = new HashMap<>(in.outcomes());
    Set<RowKey> present = new HashSet<>(in.present());
    ShardConfig config = in.config();
    List<BatchPlan.Outcome> outcomes = new ArrayList<>();
    List<LogEntry> entries = new ArrayList<>();
    List<RequestOutcome> records = new ArrayList<>();
    List<StorageOp> ops = new ArrayList<>();
    long lsn = in.prevLsn();
    long ts = in.lastTimestamp();
    if (in.needNoop()) {
      lsn++;
      ts = GlobalTimestamp.forEntry(GlobalTimestamp.NONE, ts);
      entries.add(LogEntry.noop(lsn, in.epoch(), in.commitMillis(), ts));
    }
    for (ClientChange raw : in.changes()) {
      if (raw == null) {
        outcomes.add(new BatchPlan.Wakeup());
        continue;
      }
      ClientChange ch = LogSchema.underSchemaOf(config, raw, in.commitMillis());
      String rid = ch.requestId();
      if (rid != null && !ch.internal() && seen.containsKey(rid)) {
        outcomes.add(new BatchPlan.Earlier(seen.get(rid)));
        continue;
      }
      LogOps.Effect effect;
      BatchPlan.Outcome outcome;
      // The entry's global timestamp, which the rows it writes carry (taken only if it applies).
      long entryTs = GlobalTimestamp.forEntry(ch.timestamp(), ts);
      long millis = in.commitMillis();
      // The table the change is of, as its entry names it (null: the first table).
      String table = null;
      try {
        if (ch.internal()) {
          // An import's copy of the source's data: upserts, tolerates missing rows.
          if (RangeRules.isRangeOp(ch.op()) || ch.op() == Operation.Noop) {
            throw new IllegalStateException("an import never sends " + ch.op());
          }
          table = tableOf(config, ch);
          effect =
              LogOps.of(ch.op(), ch.rows(), ch.key(), null, config, false, millis, entryTs, table);
          track(present, ch, config);
          outcome = new BatchPlan.Applied(lsn + 1);
        } else if (ch.op() == Operation.Schema) {
          // DDL commits what came before it in its transaction: the batcher gives a schema
          // change a batch of its own (after the term's no-op at most, which writes no row).
          if (entries.size() > (in.needNoop() ? 1 : 0) || !ops.isEmpty()) {
            throw new IllegalStateException("a schema change must come first in its batch");
          }
          LogSchema.requireFollows(config, SchemaChange.ofPayload(ch.rows()));
          effect = LogOps.of(ch.op(), ch.rows(), null, null, config, true, millis, entryTs);
          outcome = new BatchPlan.Applied(lsn + 1);
        } else if (ch.op() == Operation.Clock) {
          // The oracle's window: changes no row and owns no key.
          effect = LogOps.of(ch.op(), ch.rows(), null, null, config, true, millis, entryTs);
          outcome = new BatchPlan.Applied(lsn + 1);
        } else if (ch.op() == Operation.Txn) {
          // All or none: each step checked as if the ones before it had applied; the first that
          // cannot apply refuses the whole transaction, and nothing of it is planned. Each step
          // is of its own table (any of the shard's: they share its layout).
          Set<RowKey> after = new HashSet<>(present);
          for (TxnStep t : TxnStep.ofPayload(ch.rows())) {
            ClientChange step = stepOf(t);
            requireOwned(config, step);
            requireApplies(after, step, config);
            track(after, step, config);
          }
          effect = LogOps.of(ch.op(), ch.rows(), null, null, config, true, millis, entryTs);
          present.clear();
          present.addAll(after);
          outcome = new BatchPlan.Applied(lsn + 1);
        } else if (RangeRules.isRangeOp(ch.op())) {
          List<PointRange> owned = requireRanges(config);
          if (ch.op() == Operation.Purge) {
            String refusal = RangeRules.purgeRefusal(owned, ch.range());
            if (refusal != null) {
              throw ShardException.conflict(refusal);
            }
          }
          effect = LogOps.of(ch.op(), null, null, ch.range(), config, true, millis, entryTs);
          int purgeOp = -1;
          if (ch.op() == Operation.Purge) {
            purgeOp = ops.size();
            // The purged keys are gone: a later insert of one in this batch must not conflict.
            ShardConfig before = config;
            present.removeIf(k -> ch.range().contains(before.pointsBy().point(k.key())));
          }
          outcome =
              new BatchPlan.Ranged(
                  lsn + 1,
                  ch.op() == Operation.Purge ? owned : effect.config().ownedRanges(),
                  purgeOp);
        } else {
          table = tableOf(config, ch);
          requireOwned(config, ch);
          requireApplies(present, ch, config);
          effect =
              LogOps.of(ch.op(), ch.rows(), ch.key(), null, config, true, millis, entryTs, table);
          track(present, ch, config);
          outcome = new BatchPlan.Applied(lsn + 1);
        }
      } catch (ShardException e) {
        outcomes.add(new BatchPlan.Refused(e));
        if (rid != null && e.status() != ShardEndpoints.NOT_OWNED) {
          RequestOutcome failed = new RequestOutcome(rid, lsn, e.status(), e.getMessage());
          records.add(failed);
          seen.put(rid, failed);
        }
        continue;
      } catch (InvalidRequestException e) {
        outcomes.add(new BatchPlan.Refused(e));
        continue;
      }
      ops.addAll(effect.ops());
      config = effect.config();
      lsn++;
      ts = entryTs;
      entries.add(
          new LogEntry(
              lsn,
              in.epoch(),
              ch.op(),
              wire(in.toWire(), ch),
              ch.key(),
              rid,
              in.commitMillis(),
              ts,
              table));
      outcomes.add(outcome);
      if (rid != null) {
        RequestOutcome applied = new RequestOutcome(rid, lsn, RequestOutcome.APPLIED, null);
        records.add(applied);
        seen.put(rid, applied);
      }
    }
    return new BatchPlan(outcomes, entries, records, ops, config, config != in.config());
  }

  private static Object keyOf(Map<String, Object> row, TableSchema schema) {
    return schema.keyOf(row);
  }

  /**
   * The name the entry of {@code ch} gives its table: null for the database's first table, else the
   * table's name as its schema spells it (a 404 for a table the shard lacks).
   */
  private static String tableOf(ShardConfig config, ClientChange ch) {
    TableSchema other = LogOps.otherTable(config, ch.table());
    return other == null ? null : other.table();
  }

  /** The keys of the rows {@code ch} touches, in its table. */
  private static List<RowKey> rowKeys(ClientChange ch, ShardConfig config) {
    TableSchema schema = config.table(ch.table());
    String table = RowKey.normal(config, ch.table());
    return switch (ch.op()) {
      case Write -> ch.rows().stream().map(r -> new RowKey(table, keyOf(r, schema))).toList();
      case Update, Delete -> List.of(new RowKey(table, ch.key()));
      default -> List.of();
    };
  }

  /** Which rows exist after {@code ch} (inserts and upserts add, deletes remove). */
  private static void track(Set<RowKey> present, ClientChange ch, ShardConfig config) {
    switch (ch.op()) {
      case Write -> present.addAll(rowKeys(ch, config));
      case Delete -> present.removeAll(rowKeys(ch, config));
      case Txn -> TxnStep.ofPayload(ch.rows()).forEach(t -> track(present, stepOf(t), config));
      default -> {}
    }
  }

  /** A transaction's step as the client change it would be on its own. */
  private static ClientChange stepOf(TxnStep t) {
    return new ClientChange(t.op(), t.row() == null ? null : List.of(t.row()), t.key(), null)
        .ofTable(t.table());
  }

  /** 409 for an insert of a held key, 404 for an update or delete of a missing one. */
  private static void requireApplies(Set<RowKey> present, ClientChange ch, ShardConfig config) {
    String key = config.table(ch.table()).shardKey();
    switch (ch.op()) {
      case Write -> {
        for (RowKey k : rowKeys(ch, config)) {
          if (present.contains(k)) {
            throw ShardException.conflict(
                "Data entry with " + key + ":" + k.key() + " already exists" + in(k));
          }
        }
      }
      case Update, Delete -> {
        if (!present.contains(rowKeys(ch, config).get(0))) {
          throw ShardException.notFound(
              "No data entry with " + key + ":" + ch.key() + in(rowKeys(ch, config).get(0)));
        }
      }
      default -> throw new IllegalStateException("a client change is never " + ch.op());
    }
  }

  /** " in table t" for a row of another table; nothing for the first (the messages as before). */
  private static String in(RowKey k) {
    return k.table() == null ? "" : " in table " + k.table();
  }

  /**
   * Refuses (421) a client change of a key this shard does not own as of this point of the log:
   * checked here, inside the commit, and not only when the request arrived, so a write queued
   * behind a fence cannot land in the fenced range after the fence's LSN. Every table shares the
   * shard's layout: a key's point is the same whichever table its row is of.
   */
  private static void requireOwned(ShardConfig config, ClientChange ch) {
    for (RowKey k : rowKeys(ch, config)) {
      config.requireOwns(k.key());
    }
  }

  private static List<PointRange> requireRanges(ShardConfig config) {
    List<PointRange> owned = config.ownedRanges();
    if (owned == null) {
      throw ShardException.conflict(
          "shard "
              + config.shardId()
              + " owns every key (configured without a range); configure low/size or ranges to"
              + " reshard it");
    }
    return owned;
  }

  private static List<Map<String, Object>> wire(
      UnaryOperator<Map<String, Object>> toWire, ClientChange ch) {
    if (RangeRules.isRangeOp(ch.op())) {
      return RangeRules.payload(ch.range(), ch.moveId());
    }
    if (ch.op() == Operation.Schema) {
      return ch.rows();
    }
    if (ch.op() == Operation.Txn) {
      return TxnStep.payload(
          TxnStep.ofPayload(ch.rows()).stream().map(t -> t.mapRow(toWire)).toList());
    }
    return ch.op() == Operation.Delete ? null : ch.rows().stream().map(toWire).toList();
  }
}

package io.shardeddb.shardserver.replication.write;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.TxnStep;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * What the schema at a change's place in the log asks of it, for the primary's plan ({@link
 * BatchPlanner}): a schema change must follow the shard's schema there (the next version; an online
 * change of a table; a valid new table; a table that may be dropped), and a change coerced before
 * an earlier-planned schema change is completed under the schema it lands in (docs/log-format.md,
 * "Schema entries" and "Tables"). Pure.
 */
final class LogSchema {
  private LogSchema() {}

  /**
   * {@code ch} with its rows complete under the schema as of its place in the log: a write coerced
   * before a schema change that was planned ahead of it gets the added columns' defaults, as a row
   * written without them after the change would (the entry carries them, so every copy stores the
   * same values).
   */
  static ClientChange underSchemaOf(ShardConfig config, ClientChange ch, long millis) {
    if (ch.op() == Operation.Txn) {
      // Each step under its own table's schema (a table the shard lacks: the plan refuses it).
      Clock at = Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
      List<TxnStep> steps = TxnStep.ofPayload(ch.rows());
      boolean complete =
          steps.stream()
              .allMatch(
                  t -> {
                    TableSchema schema = config.tableOrNull(t.table());
                    return t.op() != Operation.Write
                        || schema == null
                        || RowTimestamps.without(t.row()).size() == schema.columns().size();
                  });
      if (complete) {
        return ch;
      }
      List<TxnStep> full =
          steps.stream()
              .map(
                  t -> {
                    TableSchema schema = config.tableOrNull(t.table());
                    return t.op() == Operation.Write && schema != null
                        ? t.mapRow(r -> RowTimestamps.keeping(r, x -> schema.completeRow(x, at)))
                        : t;
                  })
              .toList();
      return new ClientChange(
          ch.op(),
          TxnStep.payload(full),
          ch.key(),
          ch.requestId(),
          ch.range(),
          ch.moveId(),
          ch.internal(),
          ch.timestamp());
    }
    TableSchema own = config.tableOrNull(ch.table());
    if (own == null) {
      // A table the shard lacks: the plan refuses the change (404).
      return ch;
    }
    if (ch.op() == Operation.Update) {
      // Values coerced before a column was dropped: the dropped column is no longer set.
      Map<String, Object> values = RowTimestamps.keeping(ch.rows().get(0), own::withoutDropped);
      if (values.equals(ch.rows().get(0))) {
        return ch;
      }
      return values == ch.rows().get(0) ? ch : ch.withRows(List.of(values));
    }
    if (ch.op() != Operation.Write) {
      return ch;
    }
    TableSchema schema = own;
    boolean complete = true;
    for (Map<String, Object> r : ch.rows()) {
      complete &= schema.isComplete(RowTimestamps.without(r));
    }
    if (complete) {
      return ch;
    }
    Clock at = Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    return ch.withRows(
        ch.rows().stream()
            .map(r -> RowTimestamps.keeping(r, x -> schema.completeRow(x, at)))
            .toList());
  }

  /**
   * Refuses a schema change that cannot follow the shard's schema at this point of the log: a 409
   * for another change at a version the shard has reached or for a version that skips one, a 400
   * naming what the change does that is not an online change (an altered table), an invalid new
   * table or one too many, or a table that cannot be dropped. The version the shard is at, with the
   * change's table as the change leaves it, passes (a retry: its entry alters nothing).
   */
  static void requireFollows(ShardConfig config, SchemaChange change) {
    long at = config.schemaVersionOrOne();
    TableSchema before = config.tableOrNull(change.schema().table());
    boolean held = change.drops() ? before == null : change.schema().equals(before);
    if (change.version() <= at) {
      if (change.version() == at && held) {
        return;
      }
      throw ShardException.conflict(
          "shard "
              + config.shardId()
              + " is at schema version "
              + at
              + "; version "
              + change.version()
              + " is not the schema it has");
    }
    if (change.version() != at + 1) {
      throw ShardException.conflict(
          "shard "
              + config.shardId()
              + " is at schema version "
              + at
              + "; version "
              + change.version()
              + " must come after version "
              + (at + 1));
    }
    String refusal = config.tableSet().refusal(new TableSet.Step(change.schema(), change.drops()));
    if (refusal != null) {
      throw new InvalidRequestException("schema version " + change.version() + ": " + refusal);
    }
  }
}

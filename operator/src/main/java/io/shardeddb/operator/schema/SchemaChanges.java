package io.shardeddb.operator.schema;

import io.shardeddb.api.v1alpha1.SchemaChangeStatus;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.protocol.schema.StorageFormat;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.SchemaChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The operator's schema changes decided as pure functions (docs/sql.md, "Changing the schema"): the
 * spec's schema is what the user wants, {@code status.applied.schema} what every shard has, and
 * {@code status.schemaChange} the one change in flight — recorded before any shard is asked, so a
 * pass that restarts half-way asks the rest for the same version and schema, never another.
 */
public final class SchemaChanges {
  private SchemaChanges() {}

  /** What a pass does about the schema. */
  public sealed interface Decision {}

  /** The spec's schema is the applied one: nothing to do. */
  public record Settled() implements Decision {}

  /** The spec asks for a change that is not an online one; nothing is applied. */
  public record Refused(String reason) implements Decision {}

  /** A change is wanted but waits (a resharding move is in flight). */
  public record Waiting(String reason) implements Decision {}

  /** Apply {@code change}; {@code record}: a new change, written to the status before acting. */
  public record Apply(SchemaChangeStatus change, boolean record) implements Decision {}

  /**
   * The decision: a change in flight is finished first (whatever the spec says now); otherwise the
   * first step from the applied tables towards the spec's ({@link TableSet#nextStep}: the first
   * table altered, a table dropped, created or altered) becomes the next version, if every step to
   * the spec is an online change (a spec that cannot be reached is refused whole, before any step
   * of it is applied) and no move is in flight. The change records the tables as that one step
   * leaves them, so a database several steps from its spec takes them one version at a time.
   */
  public static Decision decide(
      SchemaSpec applied,
      long appliedVersion,
      SchemaSpec wanted,
      SchemaChangeStatus inFlight,
      boolean moveInFlight) {
    return decide(applied, appliedVersion, wanted, inFlight, moveInFlight, Map.of());
  }

  /**
   * {@link #decide(SchemaSpec, long, SchemaSpec, SchemaChangeStatus, boolean)}, and a new change
   * whose table needs a {@link StorageFormat} (a String or a composite key) also waits until every
   * replica of {@code storageFormats} ("shard/pod" → the format its last heartbeat reported, null
   * when it did not answer) reported at least that: a shard-server from before that format could
   * not read the table's log entries or its replication stream (docs/log-format.md, "Compatibility
   * rule"), so during {@code helm upgrade}'s roll such a table is created only once the roll is
   * through. A change already recorded goes on (it was recorded when every replica could hold it).
   */
  public static Decision decide(
      SchemaSpec applied,
      long appliedVersion,
      SchemaSpec wanted,
      SchemaChangeStatus inFlight,
      boolean moveInFlight,
      Map<String, Integer> storageFormats) {
    if (inFlight != null) {
      return new Apply(inFlight, false);
    }
    if (applied == null || wanted == null) {
      return new Settled();
    }
    TableSet from = applied.toTableSet();
    TableSet to = wanted.toTableSet();
    TableSet.Step step = from.nextStep(to);
    if (step == null) {
      return new Settled();
    }
    String refusal = from.refusalTowards(to);
    if (refusal != null) {
      return new Refused("spec.schema: " + refusal);
    }
    if (moveInFlight) {
      return new Waiting(
          "a resharding move is in flight; schema version "
              + (appliedVersion + 1)
              + " ("
              + step.describe(from)
              + ") is applied after it");
    }
    String older = olderShardServers(step, storageFormats);
    if (older != null) {
      return new Waiting(
          "schema version "
              + (appliedVersion + 1)
              + " ("
              + step.describe(from)
              + ") needs shard-servers that store "
              + StorageFormat.describe(StorageFormat.requiredBy(step.schema()))
              + " (storage format "
              + StorageFormat.requiredBy(step.schema())
              + "), and "
              + older
              + "; it is applied once every replica runs such a version (after helm upgrade"
              + " rolled every shard)");
    }
    TableSet after = from.after(step);
    SchemaSpec target = after.equals(to) ? wanted : SchemaSpec.of(after);
    return new Apply(new SchemaChangeStatus(appliedVersion + 1, target, List.of(), null), true);
  }

  /**
   * Which replicas cannot hold the table {@code step} creates or alters, for a message ("replica
   * sh1/db-sh1-2 reports storage format 6", "... has not reported one"); null when all can.
   */
  private static String olderShardServers(TableSet.Step step, Map<String, Integer> formats) {
    if (step.drop()) {
      return null;
    }
    int needed = StorageFormat.requiredBy(step.schema());
    if (needed == StorageFormat.BASE) {
      return null;
    }
    List<String> older = new ArrayList<>();
    new TreeSet<>(formats.keySet())
        .forEach(
            replica -> {
              Integer f = formats.get(replica);
              if (f == null) {
                older.add("replica " + replica + " has not reported its storage format");
              } else if (f < needed) {
                older.add("replica " + replica + " reports storage format " + f);
              }
            });
    if (older.isEmpty()) {
      return null;
    }
    int shown = Math.min(3, older.size());
    return String.join(", ", older.subList(0, shown))
        + (older.size() > shown ? " and " + (older.size() - shown) + " more" : "");
  }

  /**
   * What a shard's primary is asked to log for {@code change} ({@code POST /schema}): the one table
   * step from {@code applied} to the change's tables — null when there is none (the change asks for
   * the tables applied already).
   */
  public static SchemaChange body(SchemaSpec applied, SchemaChangeStatus change) {
    TableSet from = applied.toTableSet();
    TableSet.Step step = from.nextStep(change.schema().toTableSet());
    if (step == null) {
      return null;
    }
    return new SchemaChange(change.version(), step.schema(), step.drop() ? Boolean.TRUE : null);
  }

  /** What {@code change} does to {@code applied}, for Events ("create table orders", ...). */
  public static String describe(SchemaSpec applied, SchemaChangeStatus change) {
    TableSet from = applied.toTableSet();
    TableSet.Step step = from.nextStep(change.schema().toTableSet());
    return step == null ? "no change" : step.describe(from);
  }

  /**
   * The change after a pass asked the shards that had not applied it: {@code applied} the shards
   * whose primary answered it applied, {@code held} why each other shard did not. Done when every
   * shard of {@code shards} has applied it.
   */
  public static SchemaChangeStatus after(
      SchemaChangeStatus change,
      Collection<String> shards,
      Collection<String> applied,
      Map<String, String> held) {
    TreeSet<String> done = new TreeSet<>(change.appliedOnOrEmpty());
    done.addAll(applied);
    List<String> reasons = new ArrayList<>();
    new TreeSet<>(held.keySet()).forEach(id -> reasons.add(id + ": " + held.get(id)));
    return new SchemaChangeStatus(
        change.version(),
        change.schema(),
        List.copyOf(done),
        reasons.isEmpty() ? null : String.join("; ", reasons));
  }

  /** Whether every shard of {@code shards} has applied {@code change}. */
  public static boolean done(SchemaChangeStatus change, Collection<String> shards) {
    return change.appliedOnOrEmpty().containsAll(shards);
  }

  /**
   * What a restored database's shards say their schema is ({@code answers}: each shard's primary's
   * {@code GET /schema}, by shard id; a shard missing has not answered): the schema and version
   * every shard of {@code shards} reports, when they all answered alike and it is newer than the
   * status's ({@code applied} at {@code appliedVersion}); null otherwise (ask again next pass).
   */
  public static SchemaChange learned(
      SchemaSpec applied,
      long appliedVersion,
      Collection<String> shards,
      Map<String, SchemaChange> answers) {
    if (shards.isEmpty() || !answers.keySet().containsAll(shards)) {
      return null;
    }
    SchemaChange first = answers.get(shards.iterator().next());
    for (String id : shards) {
      SchemaChange a = answers.get(id);
      if (a.version() != first.version() || !a.tableSet().equals(first.tableSet())) {
        return null;
      }
    }
    boolean newer =
        first.version() > appliedVersion
            || (first.version() == appliedVersion
                && applied != null
                && !first.tableSet().equals(applied.toTableSet()));
    return newer ? first : null;
  }
}

package io.shardeddb.protocol.schema;

import io.shardeddb.protocol.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A database's tables (docs/log-format.md, "Tables"): its first table — the one the assignment's
 * API and every log entry without a {@code table} are of — and the others in the order they were
 * created. Pure. The one place for the rules a set of tables keeps (names unique ignoring case, at
 * most {@link #MAX_TABLES}) and for the order in which one set becomes another: one table's change
 * at a time, each a {@code Schema} entry in every shard's log (the operator asks for them in this
 * order; the shard-server checks each against the set it holds).
 *
 * @param first the first table
 * @param others the other tables, in creation order (never null)
 */
public record TableSet(TableSchema first, List<TableSchema> others) {

  /** The most tables a database may have (its first and the ones created after it). */
  public static final int MAX_TABLES = 64;

  public TableSet {
    others = others == null ? List.of() : List.copyOf(others);
  }

  /** One table's change: {@code schema} created or altered to, or (with {@code drop}) dropped. */
  public record Step(TableSchema schema, boolean drop) {

    /** What the step does, for statuses and Events ("create table orders", ...). */
    public String describe(TableSet before) {
      if (drop) {
        return "drop table " + schema.table();
      }
      return (before.tableOrNull(schema.table()) == null ? "create table " : "alter table ")
          + schema.table();
    }
  }

  /** Every table, the first one first. */
  public List<TableSchema> all() {
    List<TableSchema> all = new ArrayList<>(others.size() + 1);
    all.add(first);
    all.addAll(others);
    return all;
  }

  /**
   * The table named {@code name} (ignoring case, as MySQL's table names on Linux do not), or null.
   */
  public TableSchema tableOrNull(String name) {
    if (name == null) {
      return null;
    }
    for (TableSchema t : all()) {
      if (t.table().equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Why these tables cannot be a database's (null: they can): a table that is not valid, two names
   * equal ignoring case, more than {@link #MAX_TABLES}.
   */
  public String refusal() {
    if (others.size() + 1 > MAX_TABLES) {
      return "a database has at most " + MAX_TABLES + " tables, got " + (others.size() + 1);
    }
    Set<String> names = new HashSet<>();
    for (TableSchema t : all()) {
      try {
        t.validate();
      } catch (InvalidRequestException e) {
        return "table " + t.table() + ": " + e.getMessage();
      }
      if (!names.add(t.table().toLowerCase(Locale.ROOT))) {
        return "table name " + t.table() + " is used twice (names compare ignoring case)";
      }
    }
    return null;
  }

  /**
   * The first step from these tables towards {@code wanted}, or null when they are the same: the
   * first table altered first, then tables {@code wanted} lacks dropped (in creation order), then
   * each table of {@code wanted} in its order created or altered. A table of one name with another
   * shard key is an alteration that {@link #refusal(Step)} refuses (drop it in one change, create
   * it in the next).
   */
  public Step nextStep(TableSet wanted) {
    if (!first.equals(wanted.first)) {
      return new Step(wanted.first, false);
    }
    for (TableSchema t : others) {
      if (wanted.tableOrNull(t.table()) == null) {
        return new Step(t, true);
      }
    }
    for (TableSchema t : wanted.others) {
      if (!t.equals(tableOrNull(t.table()))) {
        return new Step(t, false);
      }
    }
    return null;
  }

  /**
   * Why {@code step} cannot follow these tables (null: it can): dropping the first table or one
   * that is not there, an alteration that is not an online change, an invalid new table, one table
   * too many.
   */
  public String refusal(Step step) {
    TableSchema before = tableOrNull(step.schema().table());
    if (step.drop()) {
      if (before == null) {
        return "there is no table '" + step.schema().table() + "' to drop";
      }
      if (before == first) {
        return "table '"
            + first.table()
            + "' is the database's first table, which cannot be dropped (only the tables created"
            + " after it can)";
      }
      return null;
    }
    if (before != null) {
      return before.evolutionRefusal(step.schema());
    }
    TableSet after = after(step);
    return after.refusal();
  }

  /**
   * Why {@code wanted} cannot be reached from these tables one online step at a time (null: it
   * can): tables that cannot be a database's, the first table renamed, or a step {@link
   * #refusal(Step)} refuses (named with what it does).
   */
  public String refusalTowards(TableSet wanted) {
    if (!first.table().equalsIgnoreCase(wanted.first.table())) {
      return "the first table's name cannot change ("
          + first.table()
          + ", asked "
          + wanted.first.table()
          + ")";
    }
    String invalid = wanted.refusal();
    if (invalid != null) {
      return invalid;
    }
    TableSet at = this;
    // Each step brings one table to its wanted form: at most one per table of either set.
    for (int i = 0; i <= others.size() + wanted.others.size() + 1; i++) {
      Step step = at.nextStep(wanted);
      if (step == null) {
        return null;
      }
      String refusal = at.refusal(step);
      if (refusal != null) {
        return step.describe(at) + ": " + refusal;
      }
      at = at.after(step);
    }
    throw new IllegalStateException("the steps from " + this + " to " + wanted + " do not end");
  }

  /** These tables with {@code step} done. */
  public TableSet after(Step step) {
    String name = step.schema().table();
    if (first.table().equalsIgnoreCase(name)) {
      return step.drop() ? this : new TableSet(step.schema(), others);
    }
    List<TableSchema> next = new ArrayList<>();
    boolean found = false;
    for (TableSchema t : others) {
      if (t.table().equalsIgnoreCase(name)) {
        found = true;
        if (!step.drop()) {
          next.add(step.schema());
        }
      } else {
        next.add(t);
      }
    }
    if (!found && !step.drop()) {
      next.add(step.schema());
    }
    return new TableSet(first, next);
  }
}

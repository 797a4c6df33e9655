package io.shardeddb.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.IndexSpec;
import io.shardeddb.api.v1alpha1.SchemaChangeStatus;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.TableSpec;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.StorageFormat;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.SchemaChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's schema-change decisions (docs/sql.md, "Changing the schema"). */
class SchemaChangesTest {
  private static final SchemaSpec V1 =
      new SchemaSpec(
          "items",
          "id",
          List.of(
              new ColumnSpec("id", ColumnType.Number, null, null, null),
              new ColumnSpec("name", ColumnType.String, null, null, null)));

  private static SchemaSpec with(ColumnSpec... added) {
    List<ColumnSpec> cols = new ArrayList<>(V1.columns());
    cols.addAll(List.of(added));
    return new SchemaSpec("items", "id", cols);
  }

  private static final SchemaSpec V2 =
      with(new ColumnSpec("note", ColumnType.String, true, null, null));

  @Test
  void theSameSchemaIsSettled() {
    assertThat(SchemaChanges.decide(V1, 1, V1, null, false))
        .isInstanceOf(SchemaChanges.Settled.class);
  }

  @Test
  void anAddedColumnIsTheNextVersionRecordedBeforeAnyShardIsAsked() {
    SchemaChanges.Decision d = SchemaChanges.decide(V1, 3, V2, null, false);
    assertThat(d)
        .isEqualTo(new SchemaChanges.Apply(new SchemaChangeStatus(4L, V2, List.of(), null), true));
  }

  @Test
  void anIndexAddedOrDroppedIsTheNextVersionAndAnEmptyListIsNoIndex() {
    SchemaSpec indexed =
        new SchemaSpec(
            "items", "id", V1.columns(), List.of(new IndexSpec("by_name", List.of("name"))));
    assertThat(SchemaChanges.decide(V1, 1, indexed, null, false))
        .isEqualTo(
            new SchemaChanges.Apply(new SchemaChangeStatus(2L, indexed, List.of(), null), true));
    assertThat(SchemaChanges.decide(indexed, 2, V1, null, false))
        .isEqualTo(new SchemaChanges.Apply(new SchemaChangeStatus(3L, V1, List.of(), null), true));
    // "indexes: []" in the spec is the applied schema without indexes: nothing to do.
    assertThat(
            SchemaChanges.decide(
                V1, 1, new SchemaSpec("items", "id", V1.columns(), List.of()), null, false))
        .isInstanceOf(SchemaChanges.Settled.class);
    SchemaSpec moved =
        new SchemaSpec(
            "items", "id", V1.columns(), List.of(new IndexSpec("by_name", List.of("id"))));
    assertThat(SchemaChanges.decide(indexed, 2, moved, null, false))
        .isEqualTo(
            new SchemaChanges.Refused(
                "spec.schema: alter table items: index 'by_name' changes its columns [name] -> [id]: drop it and"
                    + " create it under another name"));
  }

  @Test
  void aChangeInFlightIsFinishedWhateverTheSpecSaysNow() {
    SchemaChangeStatus inFlight = new SchemaChangeStatus(2L, V2, List.of("sh1"), null);
    SchemaSpec other = with(new ColumnSpec("x", ColumnType.Number, null, "1", null));
    assertThat(SchemaChanges.decide(V1, 1, other, inFlight, false))
        .isEqualTo(new SchemaChanges.Apply(inFlight, false));
  }

  @Test
  void aChangeWaitsForAMoveAndWhatIsNotOnlineIsRefused() {
    assertThat(SchemaChanges.decide(V1, 1, V2, null, true))
        .isInstanceOf(SchemaChanges.Waiting.class);
    SchemaSpec required = with(new ColumnSpec("q", ColumnType.Number, null, null, null));
    assertThat(SchemaChanges.decide(V1, 1, required, null, false))
        .isEqualTo(
            new SchemaChanges.Refused(
                "spec.schema: alter table items: added column 'q' needs NULL or a DEFAULT: the rows already stored"
                    + " have no value for it"));
  }

  /** V1 and an {@code orders} table keyed (user_id, order_no): it needs composite keys. */
  private static final SchemaSpec WITH_ORDERS =
      SchemaSpec.of(
          new TableSet(
              V1.toTableSet().first(),
              List.of(
                  new TableSchema(
                          "orders",
                          "user_id",
                          List.of(
                              new Column("user_id", ColumnType.Number, false, null, null),
                              new Column("order_no", ColumnType.Number, false, null, null)))
                      .withPrimaryKey(List.of("user_id", "order_no")))));

  @Test
  void aTableOfANewKeyShapeWaitsUntilEveryReplicaCanStoreIt() {
    Map<String, Integer> halfRolled = new HashMap<>();
    halfRolled.put("sh1/db-sh1-0", StorageFormat.CURRENT);
    halfRolled.put("sh1/db-sh1-1", 0); // a shard-server from before storage formats
    halfRolled.put("sh2/db-sh2-0", null); // no heartbeat this pass
    SchemaChanges.Decision d = SchemaChanges.decide(V1, 4, WITH_ORDERS, null, false, halfRolled);
    assertThat(d).isInstanceOf(SchemaChanges.Waiting.class);
    assertThat(((SchemaChanges.Waiting) d).reason())
        .isEqualTo(
            "schema version 5 (create table orders) needs shard-servers that store composite"
                + " primary keys (storage format 7), and replica sh1/db-sh1-1 reports storage"
                + " format 0, replica sh2/db-sh2-0 has not reported its storage format; it is"
                + " applied once every replica runs such a version (after helm upgrade rolled"
                + " every shard)");

    Map<String, Integer> rolled =
        Map.of("sh1/db-sh1-0", 7, "sh1/db-sh1-1", 7, "sh2/db-sh2-0", StorageFormat.CURRENT);
    assertThat(SchemaChanges.decide(V1, 4, WITH_ORDERS, null, false, rolled))
        .isEqualTo(
            new SchemaChanges.Apply(
                new SchemaChangeStatus(5L, WITH_ORDERS, List.of(), null), true));
  }

  @Test
  void changesEveryShardServerCanHoldDoNotWaitForOlderOnes() {
    Map<String, Integer> old = new HashMap<>();
    old.put("sh1/db-sh1-0", 0);
    old.put("sh1/db-sh1-1", null);
    // An added column of a Number-keyed table: any shard-server holds it.
    assertThat(SchemaChanges.decide(V1, 1, V2, null, false, old))
        .isEqualTo(new SchemaChanges.Apply(new SchemaChangeStatus(2L, V2, List.of(), null), true));
    // Dropping the composite-keyed table needs nothing of the replicas either.
    assertThat(SchemaChanges.decide(WITH_ORDERS, 5, V1, null, false, old))
        .isInstanceOf(SchemaChanges.Apply.class);
    // A change recorded already goes on (it was recorded when every replica could hold it).
    SchemaChangeStatus inFlight = new SchemaChangeStatus(5L, WITH_ORDERS, List.of("sh1"), null);
    assertThat(SchemaChanges.decide(V1, 4, WITH_ORDERS, inFlight, false, old))
        .isEqualTo(new SchemaChanges.Apply(inFlight, false));
  }

  @Test
  void theFormatATableNeedsFollowsItsKey() {
    TableSchema stringKeyed =
        new TableSchema("accounts", "username", List.of(new Column("username", ColumnType.String)));
    assertThat(StorageFormat.requiredBy(V1.toTableSet().first())).isEqualTo(StorageFormat.BASE);
    assertThat(StorageFormat.requiredBy(stringKeyed)).isEqualTo(StorageFormat.STRING_KEYS);
    assertThat(StorageFormat.requiredBy(WITH_ORDERS.toTableSet().all()))
        .isEqualTo(StorageFormat.COMPOSITE_KEYS);
  }

  @Test
  void doneOnlyWhenEveryShardAppliedIt() {
    SchemaChangeStatus change = new SchemaChangeStatus(2L, V2, List.of("sh1"), null);
    SchemaChangeStatus after =
        SchemaChanges.after(
            change, List.of("sh1", "sh2", "sh3"), List.of("sh2"), Map.of("sh3", "no primary"));
    assertThat(after.appliedOn()).containsExactly("sh1", "sh2");
    assertThat(after.message()).isEqualTo("sh3: no primary");
    assertThat(SchemaChanges.done(after, List.of("sh1", "sh2", "sh3"))).isFalse();
    SchemaChangeStatus all =
        SchemaChanges.after(after, List.of("sh1", "sh2", "sh3"), List.of("sh3"), Map.of());
    assertThat(SchemaChanges.done(all, List.of("sh1", "sh2", "sh3"))).isTrue();
    assertThat(all.message()).isNull();
  }

  @Test
  void aRestoredDatabaseLearnsTheSchemaEveryShardReportsWhenNewer() {
    SchemaChange atTwo = new SchemaChange(2, V2.toTableSchema());
    List<String> shards = List.of("sh1", "sh2");
    assertThat(SchemaChanges.learned(V1, 1, shards, Map.of("sh1", atTwo, "sh2", atTwo)))
        .isEqualTo(atTwo);
    // A shard not answered, or shards that disagree (one still replaying): ask again.
    assertThat(SchemaChanges.learned(V1, 1, shards, Map.of("sh1", atTwo))).isNull();
    assertThat(
            SchemaChanges.learned(
                V1,
                1,
                shards,
                Map.of("sh1", atTwo, "sh2", new SchemaChange(1, V1.toTableSchema()))))
        .isNull();
    // Nothing newer than the status: nothing learned.
    SchemaChange atOne = new SchemaChange(1, V1.toTableSchema());
    assertThat(SchemaChanges.learned(V1, 1, shards, Map.of("sh1", atOne, "sh2", atOne))).isNull();
    assertThat(SchemaChanges.learned(V2, 2, shards, Map.of("sh1", atTwo, "sh2", atTwo))).isNull();
  }

  private static final TableSpec ORDERS =
      new TableSpec(
          "orders",
          "id",
          List.of(
              new ColumnSpec("id", ColumnType.Number, null, null, null),
              new ColumnSpec("total", ColumnType.Number, true, null, null)),
          null);

  private static final TableSpec TAGS =
      new TableSpec(
          "tags", "id", List.of(new ColumnSpec("id", ColumnType.Number, null, null, null)), null);

  private static SchemaSpec withTables(SchemaSpec first, TableSpec... tables) {
    return new SchemaSpec(
        first.table(),
        first.shardKey(),
        first.columns(),
        first.indexes(),
        tables.length == 0 ? null : List.of(tables));
  }

  @Test
  void aNewTableIsOneVersionAndItsBodyCreatesIt() {
    SchemaSpec wanted = withTables(V1, ORDERS);
    SchemaChanges.Decision d = SchemaChanges.decide(V1, 2, wanted, null, false);
    SchemaChangeStatus change = new SchemaChangeStatus(3L, wanted, List.of(), null);
    assertThat(d).isEqualTo(new SchemaChanges.Apply(change, true));
    assertThat(SchemaChanges.body(V1, change))
        .isEqualTo(new SchemaChange(3, ORDERS.toTableSchema()));
    assertThat(SchemaChanges.describe(V1, change)).isEqualTo("create table orders");
  }

  @Test
  void aSpecSeveralStepsAwayIsReachedOneTableAtATimeTheFirstTableFirst() {
    // The first table gains a column, orders is created, tags too: three versions, in that order.
    SchemaSpec wanted = withTables(V2, ORDERS, TAGS);
    SchemaChanges.Apply first =
        (SchemaChanges.Apply) SchemaChanges.decide(V1, 1, wanted, null, false);
    assertThat(first.change().version()).isEqualTo(2L);
    assertThat(first.change().schema().toTableSet()).isEqualTo(V2.toTableSet());
    SchemaSpec atTwo = first.change().schema();
    SchemaChanges.Apply second =
        (SchemaChanges.Apply) SchemaChanges.decide(atTwo, 2, wanted, null, false);
    assertThat(SchemaChanges.describe(atTwo, second.change())).isEqualTo("create table orders");
    assertThat(second.change().schema().toTableSet())
        .isEqualTo(withTables(V2, ORDERS).toTableSet());
    SchemaSpec atThree = second.change().schema();
    SchemaChanges.Apply third =
        (SchemaChanges.Apply) SchemaChanges.decide(atThree, 3, wanted, null, false);
    assertThat(third.change().schema()).isEqualTo(wanted);
    assertThat(SchemaChanges.body(atThree, third.change()).schema().table()).isEqualTo("tags");
    assertThat(SchemaChanges.decide(wanted, 4, wanted, null, false))
        .isInstanceOf(SchemaChanges.Settled.class);
  }

  @Test
  void aTableLeftOutOfTheSpecIsDroppedWithItsRows() {
    SchemaSpec applied = withTables(V1, ORDERS, TAGS);
    SchemaSpec wanted = withTables(V1, TAGS);
    SchemaChanges.Apply d =
        (SchemaChanges.Apply) SchemaChanges.decide(applied, 5, wanted, null, false);
    assertThat(d.change().schema()).isEqualTo(wanted);
    assertThat(SchemaChanges.body(applied, d.change()))
        .isEqualTo(new SchemaChange(6, ORDERS.toTableSchema(), true));
    assertThat(SchemaChanges.describe(applied, d.change())).isEqualTo("drop table orders");
  }

  @Test
  void aSpecWithAStepThatIsNotOnlineIsRefusedWholeBeforeAnyStepOfIt() {
    // orders is created in the first step, but tags' shard key changes: nothing is applied.
    SchemaSpec applied = withTables(V1, TAGS);
    TableSpec rekeyed =
        new TableSpec(
            "tags",
            "n",
            List.of(
                new ColumnSpec("id", ColumnType.Number, null, null, null),
                new ColumnSpec("n", ColumnType.Number, null, null, null)),
            null);
    SchemaChanges.Decision d =
        SchemaChanges.decide(applied, 2, withTables(V1, ORDERS, rekeyed), null, false);
    assertThat(d).isInstanceOf(SchemaChanges.Refused.class);
    assertThat(((SchemaChanges.Refused) d).reason()).startsWith("spec.schema: alter table tags: ");
    // Two tables of one name (ignoring case), and the first table renamed, are refused too.
    TableSpec items =
        new TableSpec(
            "ITEMS",
            "id",
            List.of(new ColumnSpec("id", ColumnType.Number, null, null, null)),
            null);
    assertThat(
            ((SchemaChanges.Refused)
                    SchemaChanges.decide(V1, 1, withTables(V1, items), null, false))
                .reason())
        .contains("table name ITEMS is used twice");
    SchemaSpec renamed = new SchemaSpec("things", "id", V1.columns());
    assertThat(((SchemaChanges.Refused) SchemaChanges.decide(V1, 1, renamed, null, false)).reason())
        .contains("the first table's name cannot change");
  }

  @Test
  void aRestoredDatabaseLearnsItsOtherTablesToo() {
    SchemaSpec withOrders = withTables(V1, ORDERS);
    SchemaChange state = SchemaChange.state(3, withOrders.toTableSet());
    assertThat(
            SchemaChanges.learned(V1, 1, List.of("sh1", "sh2"), Map.of("sh1", state, "sh2", state)))
        .isEqualTo(state);
    // Same version, same first table, but one shard without orders: they disagree, ask again.
    SchemaChange without = SchemaChange.state(3, V1.toTableSet());
    assertThat(
            SchemaChanges.learned(
                V1, 1, List.of("sh1", "sh2"), Map.of("sh1", state, "sh2", without)))
        .isNull();
    assertThat(SchemaSpec.of(state.tableSet()).toTableSet()).isEqualTo(withOrders.toTableSet());
  }
}

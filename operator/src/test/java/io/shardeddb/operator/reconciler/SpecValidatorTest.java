package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.api.v1alpha1.ColumnSpec;
import io.shardeddb.operator.api.v1alpha1.SchemaSpec;
import io.shardeddb.operator.api.v1alpha1.ShardSpec;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.protocol.schema.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's own check mirrors the CRD's CEL rules for API servers that skipped them. */
class SpecValidatorTest {

  private static final SchemaSpec SCHEMA =
      new SchemaSpec(
          "students",
          "Stud_id",
          List.of(
              new ColumnSpec("Stud_id", ColumnType.Number),
              new ColumnSpec("Stud_name", ColumnType.String)));

  private static ShardedDatabase db(String name, SchemaSpec schema, List<ShardSpec> shards) {
    ShardedDatabase sdb = new ShardedDatabase();
    sdb.getMetadata().setName(name);
    sdb.setSpec(
        new ShardedDatabaseSpec(schema, shards, null, null, null, null, null, null, null, null));
    return sdb;
  }

  private final SpecValidator validator = new SpecValidator();

  @Test
  void aDatabaseWithoutSchemaOrShardsIsValid() {
    assertThat(validator.problems(db("legacy", null, null))).isEmpty();
  }

  @Test
  void overlappingRangesAreNamed() {
    var problems =
        validator.problems(
            db(
                "db",
                SCHEMA,
                List.of(new ShardSpec("a", 0, 100, null), new ShardSpec("b", 50, 100, null))));

    assertThat(problems).singleElement().asString().contains("'b'").contains("overlaps shard 'a'");
  }

  @Test
  void repeatedShardIdsAreNamed() {
    var problems =
        validator.problems(
            db(
                "db",
                SCHEMA,
                List.of(new ShardSpec("a", 0, 10, null), new ShardSpec("a", 10, 10, null))));

    assertThat(problems).singleElement().asString().contains("'a' is used twice");
  }

  @Test
  void aShardKeyThatIsNotAColumnIsNamed() {
    SchemaSpec wrongKey = new SchemaSpec("students", "id", SCHEMA.columns());

    assertThat(validator.problems(db("db", wrongKey, List.of(new ShardSpec("a", 0, 10, null)))))
        .singleElement()
        .asString()
        .contains("shard key 'id' is not a column");
  }

  @Test
  void shardsWithoutASchemaAreRefused() {
    assertThat(validator.problems(db("db", null, List.of(new ShardSpec("a", 0, 10, null)))))
        .singleElement()
        .asString()
        .contains("spec.schema is missing");
  }

  @Test
  void namesTooLongForAStatefulSetAreRefused() {
    String longName = "a-database-name-that-is-much-too-long-for-pods-x";

    assertThat(
            validator.problems(db(longName, SCHEMA, List.of(new ShardSpec("shard1", 0, 10, null)))))
        .singleElement()
        .asString()
        .contains("longer than 52 characters");
  }
}

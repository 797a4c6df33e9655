package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.MysqlSpec;
import io.shardeddb.api.v1alpha1.PodsSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.topology.Sharding;
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
    sdb.setSpec(ShardedDatabaseSpec.builder().schema(schema).shards(shards).build());
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
  void aShardIdThatIsOneOfTheDatabasesOwnNameSuffixesIsRefusedNamingTheId() {
    for (String reserved : io.shardeddb.api.ShardedDatabaseResources.RESERVED_SHARD_IDS) {
      var problems =
          validator.problems(db("db", SCHEMA, List.of(new ShardSpec(reserved, 0, 100, null))));

      assertThat(problems)
          .as(reserved)
          .first()
          .asString()
          .contains("spec.shards id '" + reserved + "'")
          .contains("own name suffixes");
    }
  }

  @Test
  void shardRouterWouldShareTheRoutersServiceBudgetAndPolicyAndEachIsNamed() {
    var problems =
        validator.problems(db("shop", SCHEMA, List.of(new ShardSpec("router", 0, 100, null))));

    assertThat(problems)
        .contains(
            "Service/shop-router would be two objects of this database: rename the shard that"
                + " makes it",
            "PodDisruptionBudget/shop-router would be two objects of this database: rename the"
                + " shard that makes it",
            "NetworkPolicy/shop-router would be two objects of this database: rename the shard"
                + " that makes it");
  }

  @Test
  void shardIdsWithHyphensThatMakeNoNameTwiceAreValid() {
    assertThat(
            validator.problems(
                db(
                    "shop",
                    SCHEMA,
                    List.of(
                        new ShardSpec("eu", 0, 100, null),
                        new ShardSpec("eu-tls", 100, 100, null),
                        new ShardSpec("eu-0", 200, 100, null)))))
        .isEmpty();
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
  void aStringShardKeyNeedsHashSharding() {
    SchemaSpec byName = new SchemaSpec("students", "Stud_name", SCHEMA.columns());
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));

    assertThat(validator.problems(db("db", byName, one)))
        .singleElement()
        .asString()
        .contains("spec.schema: table students's shard key 'Stud_name' is a String")
        .contains("needs sharding: Hash");
    assertThat(validator.problems(withSharding(db("db", byName, one), Sharding.Hash))).isEmpty();
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

  /** {@code sdb} with a status recording what {@code appliedFrom} applied. */
  private static ShardedDatabase after(ShardedDatabase appliedFrom, ShardedDatabase sdb) {
    sdb.setStatus(
        io.shardeddb.api.v1alpha1.ShardedDatabaseStatus.builder()
            .applied(SpecValidator.appliedOf(appliedFrom))
            .build());
    return sdb;
  }

  private static ShardedDatabase withStorage(
      ShardedDatabase sdb, io.shardeddb.api.v1alpha1.StorageSpec storage) {
    var s = sdb.getSpec();
    sdb.setSpec(
        ShardedDatabaseSpec.builder()
            .schema(s.schema())
            .shards(s.shards())
            .storage(storage)
            .build());
    return sdb;
  }

  @Test
  void aSpecThatChangesNothingFixedPassesAndAddingAShardOrTheFirstSchemaIsAllowed() {
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));
    List<ShardSpec> two = List.of(new ShardSpec("a", 0, 100, null), new ShardSpec("b", 100, 50, 5));

    assertThat(validator.problems(after(db("db", SCHEMA, one), db("db", SCHEMA, two)))).isEmpty();
    assertThat(validator.problems(after(db("db", null, null), db("db", SCHEMA, one)))).isEmpty();
    // Nothing applied yet (a new resource, or one from before status.applied existed).
    assertThat(validator.problems(db("db", SCHEMA, one))).isEmpty();
  }

  @Test
  void aChangedColumnTypeIsRefusedNamingTheColumn() {
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));
    SchemaSpec changed =
        new SchemaSpec(
            "students",
            "Stud_id",
            List.of(
                new ColumnSpec("Stud_id", ColumnType.Number),
                new ColumnSpec("Stud_name", ColumnType.Decimal)));

    assertThat(validator.problems(after(db("db", SCHEMA, one), db("db", changed, one))))
        .singleElement()
        .asString()
        .contains("spec.schema can only gain columns at the end")
        .contains("column 'Stud_name' changes type String -> Decimal");
  }

  @Test
  void changedRangesAreAllowedBecauseTheOperatorMovesTheRows() {
    var problems =
        validator.problems(
            after(
                db("db", SCHEMA, List.of(new ShardSpec("a", 0, 100, null))),
                db(
                    "db",
                    SCHEMA,
                    List.of(new ShardSpec("a", 0, 50, null), new ShardSpec("b", 50, 50, null)))));

    assertThat(problems).isEmpty();
  }

  @Test
  void aSpecLeavingPublishedPointsInNoShardIsRefusedNamingTheRangeAndTheShard() {
    var problems =
        validator.problems(
            after(
                db(
                    "db",
                    SCHEMA,
                    List.of(new ShardSpec("a", 0, 100, null), new ShardSpec("b", 100, 100, null))),
                db("db", SCHEMA, List.of(new ShardSpec("a", 0, 150, null)))));

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("[150, 200)")
        .contains("shard 'b'")
        .contains("rows would be lost");
  }

  @Test
  void theShardingCannotChangeOnceAppliedAndHashRangesStayIn32Bits() {
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));
    ShardedDatabase hashed = withSharding(db("db", SCHEMA, one), Sharding.Hash);

    assertThat(validator.problems(after(db("db", SCHEMA, one), hashed)))
        .singleElement()
        .asString()
        .contains("spec.sharding cannot change")
        .contains("it is Range, the spec asks for Hash");
    assertThat(
            validator.problems(
                withSharding(
                    db("db", SCHEMA, List.of(new ShardSpec("a", 0, Sharding.HASH_SPACE + 1, null))),
                    Sharding.Hash)))
        .singleElement()
        .asString()
        .contains("under sharding Hash a range must lie in [0, 4294967296)");
    assertThat(
            validator.problems(
                withSharding(
                    db("db", SCHEMA, List.of(new ShardSpec("a", 0, Sharding.HASH_SPACE, null))),
                    Sharding.Hash)))
        .isEmpty();
  }

  private static ShardedDatabase withSharding(ShardedDatabase sdb, Sharding sharding) {
    var s = sdb.getSpec();
    sdb.setSpec(
        ShardedDatabaseSpec.builder()
            .schema(s.schema())
            .shards(s.shards())
            .sharding(sharding)
            .build());
    return sdb;
  }

  @Test
  void theStorageSizeMayGrowButNotShrinkBelowWhatWasApplied() {
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));
    ShardedDatabase grown =
        withStorage(db("db", SCHEMA, one), new io.shardeddb.api.v1alpha1.StorageSpec("5Gi", null));

    assertThat(validator.problems(after(db("db", SCHEMA, one), grown))).isEmpty();
    assertThat(
            validator.problems(
                after(
                    grown,
                    withStorage(
                        db("db", SCHEMA, one),
                        new io.shardeddb.api.v1alpha1.StorageSpec("2Gi", null)))))
        .singleElement()
        .asString()
        .isEqualTo(
            "spec.storage.size cannot shrink: the volumes have 5Gi, the spec asks for 2Gi"
                + " (a PersistentVolumeClaim only grows); put back 5Gi or more");
  }

  @Test
  void storageSizeAndClassAndSecretNamesAreFixedButEqualQuantitiesAreTheSame() {
    List<ShardSpec> one = List.of(new ShardSpec("a", 0, 100, null));
    ShardedDatabase applied = db("db", SCHEMA, one);

    assertThat(
            validator.problems(
                after(
                    applied,
                    withStorage(
                        db("db", SCHEMA, one),
                        new io.shardeddb.api.v1alpha1.StorageSpec("1024Mi", null)))))
        .isEmpty();
    assertThat(
            validator.problems(
                after(
                    applied,
                    withStorage(
                        db("db", SCHEMA, one),
                        new io.shardeddb.api.v1alpha1.StorageSpec("512Mi", "fast")))))
        .hasSize(2)
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("spec.storage.size cannot shrink")
                    .contains("1Gi")
                    .contains("512Mi"))
        .anySatisfy(p -> assertThat(p).contains("spec.storage.storageClassName").contains("fast"));

    ShardedDatabase renamed = db("db", SCHEMA, one);
    var s = renamed.getSpec();
    renamed.setSpec(
        ShardedDatabaseSpec.builder()
            .schema(s.schema())
            .shards(s.shards())
            .secrets(new io.shardeddb.api.v1alpha1.SecretsSpec("other-token", null))
            .build());
    assertThat(validator.problems(after(applied, renamed)))
        .singleElement()
        .asString()
        .contains("spec.secrets.routerToken")
        .contains("db-router-token")
        .contains("other-token");
  }

  @Test
  void writeQuorumOneIsRefusedNamingTheField() {
    ShardedDatabase sdb = db("db", null, null);
    sdb.setSpec(
        ShardedDatabaseSpec.builder()
            .writeQuorum(io.shardeddb.protocol.topology.WriteQuorum.One)
            .build());
    assertThat(validator.problems(sdb))
        .singleElement()
        .asString()
        .contains("spec.writeQuorum")
        .contains("One")
        .contains("Majority");
    sdb.setSpec(
        ShardedDatabaseSpec.builder()
            .writeQuorum(io.shardeddb.protocol.topology.WriteQuorum.All)
            .build());
    assertThat(validator.problems(sdb)).isEmpty();
  }

  @Test
  void mysqlParametersTheSafetyRulesNeedAreRefusedWithTheReasonAndUnknownOnesNamed() {
    ShardedDatabase sdb = db("db", null, null);
    sdb.setSpec(
        sdb.getSpec()
            .withMysql(
                new MysqlSpec(
                    java.util.Map.of(
                        "innodb_flush_log_at_trx_commit", "2",
                        "init_file", "x",
                        "max_connections", "300;drop",
                        "innodb_buffer_pool_size", "256M"))));

    assertThat(validator.problems(sdb))
        .anyMatch(
            p ->
                p.startsWith("spec.mysql.parameters.innodb_flush_log_at_trx_commit cannot be set")
                    && p.contains("crash"))
        .anyMatch(p -> p.startsWith("spec.mysql.parameters.init_file cannot be set"))
        .anyMatch(p -> p.startsWith("spec.mysql.parameters.max_connections: the value may hold"))
        .noneMatch(p -> p.contains("innodb_buffer_pool_size"));
  }

  @Test
  void podAnnotationsUnderTheOperatorsPrefixAreRefused() {
    ShardedDatabase sdb = db("db", null, null);
    sdb.setSpec(
        sdb.getSpec()
            .withPods(
                new PodsSpec(
                    java.util.Map.of("shardeddb.io/settings-digest", "x"),
                    null,
                    null,
                    null,
                    "Not_A_Name")));

    assertThat(validator.problems(sdb))
        .anyMatch(p -> p.startsWith("spec.pods.annotations: shardeddb.io/settings-digest"))
        .anyMatch(p -> p.startsWith("spec.pods.priorityClassName 'Not_A_Name'"));
  }

  @Test
  void aNewShardGivenTheIdOfAShardMergedAwayIsRefusedNamingItAndAnIdStillPublishedIsNot() {
    AppliedSpec published =
        SpecValidator.appliedOf(db("db", SCHEMA, List.of(new ShardSpec("sh1", 0, 200, null))));
    AppliedSpec before =
        published.withLayout(
            List.of(
                new AppliedSpec.AppliedShard("sh1", 0, 100),
                new AppliedSpec.AppliedShard("sh2", 100, 100)),
            null,
            List.of("sh1", "sh2"));
    AppliedSpec applied =
        published.withLayout(
            List.of(new AppliedSpec.AppliedShard("sh1", 0, 200)), before, List.of("sh1"));

    AppliedSpec splitIntoSh2 =
        SpecValidator.appliedOf(
            db(
                "db",
                SCHEMA,
                List.of(new ShardSpec("sh1", 0, 100, null), new ShardSpec("sh2", 100, 100, null))));
    assertThat(SpecValidator.refusedChanges(applied, splitIntoSh2))
        .singleElement()
        .asString()
        .contains("spec.shards id 'sh2' was a shard of this database that was merged away")
        .contains("wal/sh2/")
        .contains("choose another id");

    AppliedSpec splitIntoSh3 =
        SpecValidator.appliedOf(
            db(
                "db",
                SCHEMA,
                List.of(new ShardSpec("sh1", 0, 100, null), new ShardSpec("sh3", 100, 100, null))));
    assertThat(SpecValidator.refusedChanges(applied, splitIntoSh3)).isEmpty();
    // Before the merge's cut-over sh2 is still published: keeping it (an aborted merge) is fine.
    assertThat(SpecValidator.refusedChanges(before, splitIntoSh2)).isEmpty();
  }
}

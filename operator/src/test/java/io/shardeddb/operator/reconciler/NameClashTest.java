package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.OwnedNames;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.TlsSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two databases of one namespace whose generated names meet: one keeps them, one is refused. */
class NameClashTest {

  private static final NameClash.Owners NOBODY = name -> null;

  private static ShardedDatabase db(String name, String created, String... shards) {
    ShardedDatabase sdb = new ShardedDatabase();
    sdb.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withUid("uid-" + name)
            .withCreationTimestamp(created)
            .build());
    sdb.setSpec(
        ShardedDatabaseSpec.builder()
            .shards(
                java.util.Arrays.stream(shards).map(id -> new ShardSpec(id, 0, 1, null)).toList())
            .build());
    return sdb;
  }

  @Test
  void shopWithShardEuAndDatabaseShopEuShareTheSecretShopEuTls() {
    ShardedDatabase shop = db("shop", "2026-11-01T00:00:00Z", "eu");
    ShardedDatabase shopEu = db("shop-eu", "2026-11-02T00:00:00Z", "a");

    assertThat(OwnedNames.of(shop)).contains(new OwnedNames.Name("Secret", "shop-eu-tls"));
    assertThat(OwnedNames.of(shopEu)).contains(new OwnedNames.Name("Secret", "shop-eu-tls"));
    // Neither owns it yet: the older resource keeps it, the newer one is refused naming it.
    assertThat(NameClash.problems(shop, List.of(shop, shopEu), NOBODY)).isEmpty();
    assertThat(NameClash.problems(shopEu, List.of(shop, shopEu), NOBODY))
        .singleElement()
        .asString()
        .startsWith("Secret/shop-eu-tls is also ShardedDatabase shop's, which keeps it");
  }

  @Test
  void theDatabaseThatAlreadyOwnsTheObjectKeepsItEvenWhenTheOtherIsOlder() {
    // shop-eu ran first; then shard eu was added to the older database shop.
    ShardedDatabase shop = db("shop", "2026-11-01T00:00:00Z", "eu");
    ShardedDatabase shopEu = db("shop-eu", "2026-11-02T00:00:00Z", "a");
    NameClash.Owners shopEuOwnsIt = name -> "uid-shop-eu";

    assertThat(NameClash.problems(shopEu, List.of(shop, shopEu), shopEuOwnsIt)).isEmpty();
    assertThat(NameClash.problems(shop, List.of(shop, shopEu), shopEuOwnsIt))
        .singleElement()
        .asString()
        .startsWith("Secret/shop-eu-tls is also ShardedDatabase shop-eu's");
  }

  @Test
  void aShardOfOneDatabaseNamedLikeAnotherDatabasesShardClashesOnEveryShardObject() {
    ShardedDatabase shop = db("shop", "2026-11-01T00:00:00Z", "eu-x");
    ShardedDatabase shopEu = db("shop-eu", "2026-11-02T00:00:00Z", "x");

    assertThat(NameClash.problems(shopEu, List.of(shop, shopEu), NOBODY))
        .map(p -> p.substring(0, p.indexOf(' ')))
        .containsExactly(
            "StatefulSet/shop-eu-x",
            "Service/shop-eu-x",
            "PodDisruptionBudget/shop-eu-x",
            "NetworkPolicy/shop-eu-x",
            "Secret/shop-eu-x-tls");
  }

  @Test
  void aShardNamedLikeAnotherDatabasesRouterClashesOnTheRoutersObjects() {
    ShardedDatabase shop = db("shop", "2026-11-03T00:00:00Z", "eu-router");
    ShardedDatabase shopEu = db("shop-eu", "2026-11-02T00:00:00Z");

    assertThat(NameClash.problems(shop, List.of(shop, shopEu), NOBODY))
        .map(p -> p.substring(0, p.indexOf(' ')))
        .containsExactly(
            "Service/shop-eu-router",
            "PodDisruptionBudget/shop-eu-router",
            "NetworkPolicy/shop-eu-router");
  }

  @Test
  void anObjectAThirdPartyControlsKeepsBothOff() {
    ShardedDatabase shop = db("shop", "2026-11-01T00:00:00Z", "eu");
    ShardedDatabase shopEu = db("shop-eu", "2026-11-02T00:00:00Z");
    NameClash.Owners someoneElse = name -> "uid-of-something-else";

    assertThat(NameClash.problems(shop, List.of(shop, shopEu), someoneElse)).isNotEmpty();
    assertThat(NameClash.problems(shopEu, List.of(shop, shopEu), someoneElse)).isNotEmpty();
  }

  /**
   * Who holds an object, as {@link NameOwners} reads it: its controller, else the ShardedDatabase
   * its plain owner reference names (what the operator writes: JOSDK sets no controller flag).
   */
  @Test
  void theHolderIsTheControllerElseTheOwningShardedDatabase() {
    io.fabric8.kubernetes.api.model.OwnerReference byOperator =
        new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
            .withApiVersion("shardeddb.io/v1alpha1")
            .withKind("ShardedDatabase")
            .withName("shop-eu")
            .withUid("uid-shop-eu")
            .build();
    io.fabric8.kubernetes.api.model.OwnerReference controller =
        new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("x")
            .withUid("uid-x")
            .withController(true)
            .build();
    io.fabric8.kubernetes.api.model.OwnerReference otherKind =
        new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
            .withApiVersion("example.com/v1")
            .withKind("ShardedDatabase")
            .withName("y")
            .withUid("uid-y")
            .build();
    assertThat(NameOwners.holder(List.of(byOperator))).isEqualTo("uid-shop-eu");
    assertThat(NameOwners.holder(List.of(byOperator, controller))).isEqualTo("uid-x");
    assertThat(NameOwners.holder(List.of(otherKind))).isNull();
    assertThat(NameOwners.holder(List.of())).isNull();
    assertThat(NameOwners.holder(null)).isNull();
  }

  @Test
  void databasesWhoseNamesDoNotMeetOrThatLiveInOtherNamespacesAreNotRefused() {
    ShardedDatabase shop = db("shop", "2026-11-01T00:00:00Z", "eu");
    ShardedDatabase other = db("shop-eu", "2026-11-02T00:00:00Z");
    other.getMetadata().setNamespace("elsewhere");
    ShardedDatabase students = db("students", "2026-11-02T00:00:00Z", "sh1", "sh2");

    assertThat(NameClash.problems(shop, List.of(shop, other, students), NOBODY)).isEmpty();
    assertThat(NameClash.problems(students, List.of(shop, other, students), NOBODY)).isEmpty();
  }

  @Test
  void withoutTlsNoTlsSecretIsClaimedAndAUsersCaSecretIsNotTheOperatorsToClaim() {
    ShardedDatabase plain = db("plain", "2026-11-01T00:00:00Z", "eu");
    plain.setSpec(plain.getSpec().toBuilder().tls(new TlsSpec(false, null, null, null)).build());
    assertThat(OwnedNames.of(plain)).noneMatch(n -> n.name().endsWith("-tls"));

    ShardedDatabase ownCa = db("own", "2026-11-01T00:00:00Z");
    ownCa.setSpec(ownCa.getSpec().toBuilder().tls(new TlsSpec(null, null, null, "org-ca")).build());
    assertThat(OwnedNames.of(ownCa)).doesNotContain(new OwnedNames.Name("Secret", "own-ca"));
  }
}

package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.AppliedSpec.AppliedShard;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which claims of shards merged away go: exactly their StatefulSet's, and only once it is gone. */
class RetiredVolumesTest {

  private static final String NS = "prod";
  private static final String DB = "shop";

  /** sh2 was merged into sh1: the spec and the published layout have sh1 only. */
  private static final ShardedDatabaseSpec SPEC = spec("sh1");

  private static final ShardedDatabaseStatus MERGED =
      status(applied(List.of(new AppliedShard("sh1", 0, 4096)), List.of("sh2")), null);

  private static final RetiredVolumes.Live NOTHING_OF_SH2 =
      new RetiredVolumes.Live(Set.of("sh1"), Set.of("shop-sh1"), Set.of("sh1"));

  @Test
  void aMergedAwayShardsClaimsGoOnceItsStatefulSetAndPodsAreGoneAndTheStayingShardsStay() {
    List<PersistentVolumeClaim> claims =
        List.of(
            claim("data-shop-sh1-0", DB, "sh1"),
            claim("data-shop-sh1-1", DB, "sh1"),
            claim("data-shop-sh2-1", DB, "sh2"),
            claim("data-shop-sh2-0", DB, "sh2"),
            claim("data-shop-sh2-2", DB, "sh2"));

    assertThat(RetiredVolumes.decide(NS, DB, SPEC, MERGED, NOTHING_OF_SH2, claims))
        .containsExactly(
            new RetiredVolumes.Removal(
                "sh2", List.of("data-shop-sh2-0", "data-shop-sh2-1", "data-shop-sh2-2")));
  }

  @Test
  void aMergedAwayShardWhoseStatefulSetStillExistsKeepsItsClaims() {
    RetiredVolumes.Live stsLeft =
        new RetiredVolumes.Live(Set.of("sh1"), Set.of("shop-sh1", "shop-sh2"), Set.of("sh1"));

    assertThat(
            RetiredVolumes.decide(
                NS, DB, SPEC, MERGED, stsLeft, List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();
    assertThat(RetiredVolumes.candidates(DB, SPEC, MERGED, stsLeft)).isEmpty();
  }

  @Test
  void aMergedAwayShardWithAPodLeftKeepsItsClaimsTheVolumeIsStillInUse() {
    RetiredVolumes.Live podLeft =
        new RetiredVolumes.Live(Set.of("sh1"), Set.of("shop-sh1"), Set.of("sh1", "sh2"));

    assertThat(
            RetiredVolumes.decide(
                NS, DB, SPEC, MERGED, podLeft, List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();
  }

  @Test
  void aMergedAwayShardTheWorkflowStillRunsKeepsItsClaims() {
    RetiredVolumes.Live running =
        new RetiredVolumes.Live(Set.of("sh1", "sh2"), Set.of("shop-sh1"), Set.of("sh1"));

    assertThat(RetiredVolumes.candidates(DB, SPEC, MERGED, running)).isEmpty();
  }

  @Test
  void aRetiredIdStillInTheSpecKeepsItsClaims() {
    // The validator refuses such a spec; should one get through, its volumes are not touched.
    ShardedDatabaseSpec reused = spec("sh1", "sh2");

    assertThat(
            RetiredVolumes.decide(
                NS,
                DB,
                reused,
                MERGED,
                NOTHING_OF_SH2,
                List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();
  }

  @Test
  void aRetiredIdInThePublishedLayoutOrTheMoveInFlightKeepsItsClaims() {
    ShardedDatabaseStatus published =
        status(
            applied(
                List.of(new AppliedShard("sh1", 0, 2048), new AppliedShard("sh2", 2048, 2048)),
                List.of("sh2")),
            null);
    MoveStatus move =
        new MoveStatus("m1", "sh1", "sh2", 0, 10, MovePhase.Copying, 0L, 0L, null, 1, "copy");
    ShardedDatabaseStatus moving =
        status(applied(List.of(new AppliedShard("sh1", 0, 4096)), List.of("sh2")), move);

    assertThat(RetiredVolumes.candidates(DB, SPEC, published, NOTHING_OF_SH2)).isEmpty();
    assertThat(RetiredVolumes.candidates(DB, SPEC, moving, NOTHING_OF_SH2)).isEmpty();
  }

  @Test
  void aShardThatGaveAllItsPointsAwayButIsStillInTheSpecIsNotRetiredSoItsClaimsStay() {
    // A swap of two ranges goes through sh2 owning nothing; withLayout does not retire it.
    AppliedSpec before =
        applied(
            List.of(new AppliedShard("sh1", 0, 2048), new AppliedShard("sh2", 2048, 2048)), null);
    AppliedSpec during =
        before.withLayout(List.of(new AppliedShard("sh1", 0, 4096)), before, Set.of("sh1", "sh2"));
    ShardedDatabaseStatus swapping = status(during, null);
    RetiredVolumes.Live idle =
        new RetiredVolumes.Live(Set.of("sh1"), Set.of("shop-sh1"), Set.of("sh1"));

    assertThat(during.retiredShardsOrEmpty()).isEmpty();
    assertThat(
            RetiredVolumes.decide(
                NS,
                DB,
                spec("sh1", "sh2"),
                swapping,
                idle,
                List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();

    // Merged away for good (gone from the spec too): retired by withLayout, its claims go.
    AppliedSpec merged =
        before.withLayout(List.of(new AppliedShard("sh1", 0, 4096)), before, Set.of("sh1"));
    assertThat(merged.retiredShardsOrEmpty()).containsExactly("sh2");
    assertThat(
            RetiredVolumes.decide(
                NS,
                DB,
                SPEC,
                status(merged, null),
                idle,
                List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .extracting(RetiredVolumes.Removal::claims)
        .containsExactly(List.of("data-shop-sh2-0"));
  }

  @Test
  void noClaimGoesWithoutAnyShardMergedAway() {
    ShardedDatabaseStatus none =
        status(applied(List.of(new AppliedShard("sh1", 0, 4096)), null), null);

    assertThat(
            RetiredVolumes.decide(
                NS, DB, SPEC, none, NOTHING_OF_SH2, List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();
    assertThat(
            RetiredVolumes.decide(
                NS,
                DB,
                SPEC,
                ShardedDatabaseStatus.builder().build(),
                NOTHING_OF_SH2,
                List.of(claim("data-shop-sh2-0", DB, "sh2"))))
        .isEmpty();
  }

  @Test
  void anotherDatabasesClaimsStayEvenWithTheSameShardIdOrTheSameName() {
    List<PersistentVolumeClaim> claims =
        List.of(
            claim("data-other-sh2-0", "other", "sh2"),
            // This very name, labelled for another database (made or restored by hand): the
            // labels say whose it is.
            claim("data-shop-sh2-0", "other", "sh2"),
            claim("data-shop-sh2-1", "shop-eu", "sh2"));

    assertThat(RetiredVolumes.decide(NS, DB, SPEC, MERGED, NOTHING_OF_SH2, claims)).isEmpty();
  }

  @Test
  void aClaimInAnotherNamespaceStays() {
    PersistentVolumeClaim elsewhere = claim("data-shop-sh2-0", DB, "sh2");
    elsewhere.getMetadata().setNamespace("staging");

    assertThat(RetiredVolumes.decide(NS, DB, SPEC, MERGED, NOTHING_OF_SH2, List.of(elsewhere)))
        .isEmpty();
  }

  @Test
  void onlyTheNamesAndLabelsTheStatefulSetGivesItsClaimsMatch() {
    PersistentVolumeClaim unlabelled = claim("data-shop-sh2-0", DB, "sh2");
    unlabelled.getMetadata().setLabels(null);
    PersistentVolumeClaim routerComponent = claim("data-shop-sh2-0", DB, "sh2");
    routerComponent.getMetadata().getLabels().put(Labels.COMPONENT, Labels.COMPONENT_ROUTER);
    PersistentVolumeClaim otherShard = claim("data-shop-sh2-0", DB, "sh3");
    List<PersistentVolumeClaim> claims =
        List.of(
            unlabelled,
            routerComponent,
            otherShard,
            // Names the StatefulSet shop-sh2 never gives: another template, no ordinal, another
            // shard whose id starts with sh2, a suffix after the ordinal.
            claim("logs-shop-sh2-0", DB, "sh2"),
            claim("data-shop-sh2-", DB, "sh2"),
            claim("data-shop-sh2-x-0", DB, "sh2"),
            claim("data-shop-sh2-0-old", DB, "sh2"),
            claim("data-shop-sh2", DB, "sh2"));

    assertThat(RetiredVolumes.decide(NS, DB, SPEC, MERGED, NOTHING_OF_SH2, claims)).isEmpty();
  }

  @Test
  void aClaimAlreadyBeingDeletedIsNotDeletedAgain() {
    PersistentVolumeClaim deleting = claim("data-shop-sh2-0", DB, "sh2");
    deleting.getMetadata().setDeletionTimestamp("2026-12-01T10:00:00Z");

    assertThat(
            RetiredVolumes.decide(
                NS,
                DB,
                SPEC,
                MERGED,
                NOTHING_OF_SH2,
                List.of(deleting, claim("data-shop-sh2-1", DB, "sh2"))))
        .containsExactly(new RetiredVolumes.Removal("sh2", List.of("data-shop-sh2-1")));
  }

  @Test
  void severalShardsMergedAwayAreDecidedEachOnItsOwnSortedByShard() {
    ShardedDatabaseStatus two =
        status(applied(List.of(new AppliedShard("sh1", 0, 4096)), List.of("sh2", "sh3")), null);
    RetiredVolumes.Live sh3Left =
        new RetiredVolumes.Live(Set.of("sh1"), Set.of("shop-sh1", "shop-sh3"), Set.of("sh1"));
    List<PersistentVolumeClaim> claims =
        List.of(claim("data-shop-sh3-0", DB, "sh3"), claim("data-shop-sh2-0", DB, "sh2"));

    assertThat(RetiredVolumes.candidates(DB, SPEC, two, NOTHING_OF_SH2))
        .containsExactly("sh2", "sh3");
    assertThat(RetiredVolumes.decide(NS, DB, SPEC, two, NOTHING_OF_SH2, claims))
        .extracting(RetiredVolumes.Removal::shard)
        .containsExactly("sh2", "sh3");
    assertThat(RetiredVolumes.decide(NS, DB, SPEC, two, sh3Left, claims))
        .containsExactly(new RetiredVolumes.Removal("sh2", List.of("data-shop-sh2-0")));
  }

  @Test
  void theEventIsNormalAndNamesTheShardAndTheClaimsDeleted() {
    ShardEvent e =
        new RetiredVolumes.Removal("sh2", List.of("data-shop-sh2-0", "data-shop-sh2-1"))
            .event(List.of("data-shop-sh2-0"));

    assertThat(e.reason()).isEqualTo(EventReason.VolumesDeleted);
    assertThat(e.reason().warning()).isFalse();
    assertThat(e.message())
        .contains("shard sh2")
        .contains("data-shop-sh2-0")
        .doesNotContain("data-shop-sh2-1");
  }

  /** A claim as the StatefulSet of {@code shard} of {@code db} makes it: its selector's labels. */
  private static PersistentVolumeClaim claim(String name, String db, String shard) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(new HashMap<>(Labels.shardSelector(db, shard)))
        .endMetadata()
        .build();
  }

  private static ShardedDatabaseSpec spec(String... shards) {
    long size = 4096 / shards.length;
    List<ShardSpec> specs = new java.util.ArrayList<>();
    for (int i = 0; i < shards.length; i++) {
      specs.add(new ShardSpec(shards[i], i * size, size, null));
    }
    return ShardedDatabaseSpec.builder().shards(specs).build();
  }

  private static AppliedSpec applied(List<AppliedShard> shards, List<String> retired) {
    return new AppliedSpec(
        null, shards, "1Gi", null, "shop-router-token", "shop-mysql", null, null, 2L, retired);
  }

  private static ShardedDatabaseStatus status(AppliedSpec applied, MoveStatus inFlight) {
    ShardedDatabaseStatus.Builder b = ShardedDatabaseStatus.builder().applied(applied);
    if (inFlight != null) {
      b.resharding(new ReshardingStatus(List.of(inFlight)));
    }
    return b.build();
  }
}

package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.status.DesiredCondition;
import io.shardeddb.operator.storage.VolumeResizePlanner.Claim;
import io.shardeddb.operator.storage.VolumeResizePlanner.ExpandClaim;
import io.shardeddb.operator.storage.VolumeResizePlanner.Observed;
import io.shardeddb.operator.storage.VolumeResizePlanner.Phase;
import io.shardeddb.operator.storage.VolumeResizePlanner.Plan;
import io.shardeddb.operator.storage.VolumeResizePlanner.RecreateStatefulSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a change of spec.storage.size does to one shard's volumes, decided from what was seen. */
class VolumeResizePlannerTest {

  private static final String STS = "students-sh1";

  @Test
  void nothingChangedMeansNothingToDo() {
    Plan plan = VolumeResizePlanner.plan("1Gi", shard("1Gi", false, claims("1Gi", "1Gi"), true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("1Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void equalQuantitiesAreTheSameSize() {
    Plan plan = VolumeResizePlanner.plan("1024Mi", shard("1Gi", false, claims("1Gi", "1Gi"), true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void givenAnExpandableClass_whenTheSizeGrows_thenEveryClaimIsExpandedAndTheStatefulSetReplaced() {
    Plan plan = VolumeResizePlanner.plan("2Gi", shard("1Gi", false, claims("1Gi", "1Gi"), true));

    assertThat(plan.actions())
        .containsExactly(
            new ExpandClaim("data-students-sh1-0", "1Gi", "2Gi"),
            new ExpandClaim("data-students-sh1-1", "1Gi", "2Gi"),
            new RecreateStatefulSet(STS, "1Gi", "2Gi"));
    // The live template stays in the desired StatefulSet until the old one is gone: the API server
    // refuses any change of volumeClaimTemplates.
    assertThat(plan.templateSize()).isEqualTo("1Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Expanding);
  }

  @Test
  void whileTheOldStatefulSetIsBeingDeletedItIsNeitherDeletedAgainNorChanged() {
    Plan plan = VolumeResizePlanner.plan("2Gi", shard("1Gi", true, claims("2Gi", "2Gi"), true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("1Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Expanding);
  }

  @Test
  void onceTheStatefulSetIsGoneItIsCreatedWithTheNewSizeWhileTheVolumesFinishGrowing() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1",
                STS,
                null,
                false,
                2,
                List.of(
                    new Claim("data-students-sh1-0", "2Gi", "2Gi", false),
                    new Claim("data-students-sh1-1", "2Gi", "1Gi", true)),
                "standard",
                true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("2Gi");
    assertThat(plan.phase()).isEqualTo(Phase.FileSystemResizePending);
    assertThat(plan.message()).contains("data-students-sh1-1").contains("FileSystemResizePending");
  }

  @Test
  void aClaimWhoseCapacityHasNotGrownYetKeepsTheResizeExpanding() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1",
                STS,
                "2Gi",
                false,
                1,
                List.of(new Claim("data-students-sh1-0", "2Gi", "1Gi", false)),
                "standard",
                true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.Expanding);
  }

  @Test
  void everyVolumeAtTheNewSizeIsDone() {
    Plan plan = VolumeResizePlanner.plan("2Gi", shard("2Gi", false, claims("2Gi", "2Gi"), true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void givenAClassWithoutExpansion_thenNothingIsTouchedAndTheResizeIsUnsupported() {
    Plan plan = VolumeResizePlanner.plan("2Gi", shard("1Gi", false, claims("1Gi", "1Gi"), false));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("1Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Unsupported);
    assertThat(plan.message())
        .contains("standard")
        .contains("allowVolumeExpansion")
        .contains("1Gi")
        .contains("2Gi");
  }

  @Test
  void anUnknownClassIsUnsupportedToo() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi",
            new Observed(
                "sh1",
                STS,
                "1Gi",
                false,
                1,
                List.of(new Claim("data-students-sh1-0", "1Gi", "1Gi", false)),
                null,
                null));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.Unsupported);
    assertThat(plan.message()).contains("no StorageClass");
  }

  @Test
  void emulatedVolumesWithoutClaimsTakeTheNewTemplateInPlace() {
    // Local mode: pods but no PersistentVolumeClaims, and an API server that lets the template
    // change; nothing to expand, nothing to re-create.
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi", new Observed("sh1", STS, "1Gi", false, 3, List.of(), null, null));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("2Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void aNewShardGetsTheSpecsSize() {
    Plan plan =
        VolumeResizePlanner.plan(
            "2Gi", new Observed("sh1", STS, null, false, 0, List.of(), null, null));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("2Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void aTemplateLargerThanTheSpecIsKeptNeverShrunk() {
    Plan plan = VolumeResizePlanner.plan("1Gi", shard("2Gi", false, claims("2Gi", "2Gi"), true));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.templateSize()).isEqualTo("2Gi");
    assertThat(plan.phase()).isEqualTo(Phase.Resized);
  }

  @Test
  void theConditionSaysUnsupportedBeforeExpandingAndReconciledWhenEveryShardIsDone() {
    Plan done = VolumeResizePlanner.plan("2Gi", shard("2Gi", false, claims("2Gi"), true));
    Plan growing = VolumeResizePlanner.plan("2Gi", shard("1Gi", false, claims("1Gi"), true));
    Plan refused = VolumeResizePlanner.plan("2Gi", shard("1Gi", false, claims("1Gi"), false));

    DesiredCondition settled = VolumeResizePlanner.condition("2Gi", List.of(done));
    assertThat(settled.status()).isFalse();
    assertThat(settled.reason()).isEqualTo("Reconciled");

    DesiredCondition expanding = VolumeResizePlanner.condition("2Gi", List.of(done, growing));
    assertThat(expanding.status()).isTrue();
    assertThat(expanding.reason()).isEqualTo("VolumeExpanding");
    assertThat(expanding.message()).contains("sh1");

    DesiredCondition unsupported = VolumeResizePlanner.condition("2Gi", List.of(growing, refused));
    assertThat(unsupported.status()).isFalse();
    assertThat(unsupported.reason()).isEqualTo("StorageResizeUnsupported");
  }

  private static Observed shard(
      String template, boolean deleting, List<Claim> claims, Boolean expandable) {
    return new Observed(
        "sh1", STS, template, deleting, claims.size(), claims, "standard", expandable);
  }

  private static List<Claim> claims(String... sizes) {
    return java.util.stream.IntStream.range(0, sizes.length)
        .mapToObj(i -> new Claim("data-students-sh1-" + i, sizes[i], sizes[i], false))
        .toList();
  }
}

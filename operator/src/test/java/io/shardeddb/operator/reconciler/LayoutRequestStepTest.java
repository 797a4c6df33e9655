package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.protocol.schema.ColumnType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of the router's layout requests, against the fabric8 mock API server: a valid
 * request is merged into the spec (every field the router does not own kept) and answered with the
 * new generation; an invalid one is refused with the reason and the spec untouched; a request
 * already answered is not taken up again.
 */
@EnableKubernetesMockClient(crud = true)
class LayoutRequestStepTest {

  static final Instant NOW = Instant.parse("2026-11-25T23:30:00Z");

  static final SchemaSpec SCHEMA =
      new SchemaSpec(
          "students",
          "Stud_id",
          List.of(
              new ColumnSpec("Stud_id", ColumnType.Number),
              new ColumnSpec("Stud_name", ColumnType.String)));

  KubernetesClient kube;
  LayoutRequestStep step;

  @BeforeEach
  void create() {
    kube.resource(
            Serialization.unmarshal(
                """
                apiVersion: shardeddb.io/v1alpha1
                kind: ShardedDatabase
                metadata: {name: students, namespace: test}
                spec: {replicas: 3, writeQuorum: Majority, sharding: Hash}
                """,
                ShardedDatabase.class))
        .create();
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ShardedDatabaseResources.layoutRequestName("students"))
                .withNamespace("test")
                .endMetadata()
                .build())
        .create();
    step =
        new LayoutRequestStep(
            kube, new SpecValidator(), new EventRecorder(kube, Clock.systemUTC()));
  }

  ShardedDatabase sdb() {
    return kube.resources(ShardedDatabase.class).inNamespace("test").withName("students").get();
  }

  ConfigMap object() {
    return kube.configMaps()
        .inNamespace("test")
        .withName(ShardedDatabaseResources.layoutRequestName("students"))
        .get();
  }

  /** Plays the router: writes {@code request} under {@code id}. */
  void routerAsks(String id, LayoutRequest request) {
    ConfigMap cm = object();
    cm.setData(request.into(cm.getData(), id));
    kube.resource(cm).update();
  }

  /** One pass of the step on what the API server holds now. */
  boolean pass() {
    return step.step(sdb(), object().getData(), NOW);
  }

  LayoutRequest.Answer answer() {
    return LayoutRequest.Answer.of(object().getData());
  }

  static LayoutRequest init(long generation) {
    return new LayoutRequest(
        generation,
        SCHEMA,
        List.of(new ShardSpec("sh1", 0, 4096, 2), new ShardSpec("sh2", 4096, 4096, 2)),
        Map.of("Server0", List.of("sh1", "sh2"), "Server1", List.of("sh1", "sh2")));
  }

  List<String> eventReasons() {
    return kube.v1().events().inNamespace("test").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Test
  void aValidRequestIsMergedIntoTheSpecAndAnsweredWithTheNewGeneration() {
    long before = sdb().getMetadata().getGeneration();
    routerAsks("r1", init(before));

    assertThat(pass()).as("the spec changed: the pass ends there").isTrue();

    ShardedDatabase after = sdb();
    assertThat(after.getSpec().schema()).isEqualTo(SCHEMA);
    assertThat(after.getSpec().shardsOrEmpty())
        .containsExactly(new ShardSpec("sh1", 0, 4096, 2), new ShardSpec("sh2", 4096, 4096, 2));
    assertThat(after.getSpec().servers()).containsOnlyKeys("Server0", "Server1");
    // Every field the router does not own stays as the user wrote it.
    assertThat(after.getSpec().replicas()).isEqualTo(3);
    assertThat(after.getSpec().shardingOrDefault().name()).isEqualTo("Hash");
    assertThat(after.getSpec().writeQuorum().name()).isEqualTo("Majority");

    LayoutRequest.Answer answer = answer();
    assertThat(answer.id()).isEqualTo("r1");
    assertThat(answer.outcome()).isEqualTo(LayoutRequest.Outcome.Accepted);
    assertThat(answer.generation())
        .isEqualTo(after.getMetadata().getGeneration())
        .isGreaterThan(before);
    assertThat(object().getData()).containsEntry(LayoutRequest.ID_KEY, "r1");
    assertThat(eventReasons()).contains("LayoutRequestAccepted");
  }

  @Test
  void anInvalidRequestIsRefusedWithTheReasonAndTheSpecIsUntouched() {
    routerAsks("r1", init(sdb().getMetadata().getGeneration()));
    pass();
    ShardedDatabase merged = sdb();
    // A second layout that moves sh2's range and lists a shard that does not exist.
    routerAsks(
        "r2",
        new LayoutRequest(
            merged.getMetadata().getGeneration(),
            SCHEMA,
            List.of(new ShardSpec("sh1", 0, 4096, 2), new ShardSpec("sh2", 4000, 4096, 2)),
            Map.of("Server0", List.of("sh1", "sh9"))));

    assertThat(pass()).isFalse();

    assertThat(sdb().getSpec()).isEqualTo(merged.getSpec());
    assertThat(sdb().getMetadata().getGeneration()).isEqualTo(merged.getMetadata().getGeneration());
    LayoutRequest.Answer answer = answer();
    assertThat(answer.id()).isEqualTo("r2");
    assertThat(answer.outcome()).isEqualTo(LayoutRequest.Outcome.Refused);
    assertThat(answer.generation()).isNull();
    assertThat(answer.message())
        .contains("shard 'sh2'")
        .contains("never move or remove a shard")
        .contains("lists shard 'sh9'");
    assertThat(eventReasons()).contains("LayoutRequestRefused");
  }

  @Test
  void aRequestThatChangesTheSchemaOnceSetIsRefused() {
    routerAsks("r1", init(sdb().getMetadata().getGeneration()));
    pass();
    ShardedDatabase merged = sdb();
    routerAsks(
        "r2",
        new LayoutRequest(
            merged.getMetadata().getGeneration(),
            new SchemaSpec(
                "students",
                "Stud_id",
                // A stored column retyped (dropping one is an online change since 2026-11-27).
                merged.getSpec().schema().columns().stream()
                    .map(
                        c ->
                            c.name().equals("Stud_id")
                                ? c
                                : new ColumnSpec(c.name(), ColumnType.Json))
                    .toList()),
            merged.getSpec().shards(),
            merged.getSpec().servers()));

    assertThat(pass()).isFalse();

    assertThat(sdb().getSpec()).isEqualTo(merged.getSpec());
    assertThat(answer().outcome()).isEqualTo(LayoutRequest.Outcome.Refused);
    assertThat(answer().message()).contains("spec.schema can only gain columns at the end");
  }

  @Test
  void aRequestTheSpecValidatorRefusesIsRefusedWithItsProblem() {
    routerAsks(
        "r1",
        new LayoutRequest(
            sdb().getMetadata().getGeneration(),
            SCHEMA,
            List.of(new ShardSpec("sh1", 0, 4096, 2), new ShardSpec("sh2", 100, 4096, 2)),
            Map.of("Server0", List.of("sh1", "sh2"))));

    assertThat(pass()).isFalse();

    assertThat(sdb().getSpec().schema()).isNull();
    assertThat(answer().outcome()).isEqualTo(LayoutRequest.Outcome.Refused);
    assertThat(answer().message()).contains("spec.shards");
  }

  @Test
  void aRequestPlannedFromAnOlderGenerationIsRefused() {
    long before = sdb().getMetadata().getGeneration();
    routerAsks("r1", init(before));
    pass();
    // Planned from the spec before r1 was merged: merging it would undo r1.
    routerAsks(
        "r2",
        new LayoutRequest(
            before,
            SCHEMA,
            List.of(new ShardSpec("sh1", 0, 4096, 1)),
            Map.of("S", List.of("sh1"))));

    assertThat(pass()).isFalse();

    assertThat(sdb().getSpec().shardsOrEmpty()).hasSize(2);
    assertThat(answer().outcome()).isEqualTo(LayoutRequest.Outcome.Refused);
    assertThat(answer().message()).contains("changed since the router planned");
  }

  @Test
  void anAnsweredRequestIdIsIgnoredEvenIfTheSpecMovedOn() {
    routerAsks("r1", init(sdb().getMetadata().getGeneration()));
    pass();
    LayoutRequest.Answer first = answer();
    // The user edits the layout afterwards; r1 (answered) must not be merged again.
    kube.resources(ShardedDatabase.class)
        .inNamespace("test")
        .withName("students")
        .edit(
            r -> {
              r.setSpec(
                  r.getSpec()
                      .withShards(
                          List.of(
                              new ShardSpec("sh1", 0, 4096, 3),
                              new ShardSpec("sh2", 4096, 4096, 3))));
              return r;
            });
    ShardedDatabase edited = sdb();

    assertThat(step.step(edited, object().getData(), NOW.plusSeconds(60))).isFalse();

    assertThat(sdb().getSpec()).isEqualTo(edited.getSpec());
    assertThat(answer()).isEqualTo(first);
  }

  @Test
  void aRequestMergedByAPassThatStoppedBeforeAnsweringIsAnsweredWithoutAnotherChange() {
    long before = sdb().getMetadata().getGeneration();
    routerAsks("r1", init(before));
    ShardedDatabase read = sdb();
    pass();
    long merged = sdb().getMetadata().getGeneration();
    // Lose the answer, as if the operator stopped between the spec write and the answer.
    ConfigMap cm = object();
    cm.getData().remove(LayoutRequest.ANSWER_KEY);
    kube.resource(cm).update();

    assertThat(step.step(sdb(), object().getData(), NOW)).isFalse();

    assertThat(sdb().getMetadata().getGeneration()).isEqualTo(merged);
    assertThat(answer().outcome()).isEqualTo(LayoutRequest.Outcome.Accepted);
    assertThat(answer().generation()).isEqualTo(merged);
    // And a pass working from a copy older than the merge cannot overwrite it: 409, no answer.
    cm = object();
    cm.getData().remove(LayoutRequest.ANSWER_KEY);
    cm.getData().put(LayoutRequest.ID_KEY, "r3");
    kube.resource(cm).update();
    assertThat(step.step(read, object().getData(), NOW)).isFalse();
    assertThat(sdb().getMetadata().getGeneration()).isEqualTo(merged);
    assertThat(answer()).as("left for the next pass").isNull();
  }
}

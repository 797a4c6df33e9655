package io.shardeddb.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * Shard budgets use policy/v1 where the server has it and policy/v1beta1 on a 1.20 server, as the
 * server's discovery reports.
 */
@EnableKubernetesMockClient
class DisruptionBudgetApiTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void policyV1WhereServedElseV1beta1() {
    assertThat(DisruptionBudgetApi.choose(true, true)).isEqualTo(DisruptionBudgetApi.V1);
    assertThat(DisruptionBudgetApi.choose(true, false)).isEqualTo(DisruptionBudgetApi.V1);
    assertThat(DisruptionBudgetApi.choose(false, true)).isEqualTo(DisruptionBudgetApi.V1BETA1);
    assertThat(DisruptionBudgetApi.choose(false, false)).isEqualTo(DisruptionBudgetApi.V1);
  }

  @Test
  void aServerDiscoveringOnlyPolicyV1beta1BudgetsGetsV1beta1() {
    // What a v1.20 API server answers: no policy/v1, budgets under policy/v1beta1.
    server.expect().get().withPath("/apis/policy/v1").andReturn(404, "").always();
    server
        .expect()
        .get()
        .withPath("/apis/policy/v1beta1")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("policy/v1beta1")
                .addToResources(
                    new APIResourceBuilder()
                        .withName("poddisruptionbudgets")
                        .withKind("PodDisruptionBudget")
                        .withNamespaced(true)
                        .build())
                .build())
        .always();

    assertThat(DisruptionBudgetApiCondition.detect(client)).isEqualTo(DisruptionBudgetApi.V1BETA1);
  }
}

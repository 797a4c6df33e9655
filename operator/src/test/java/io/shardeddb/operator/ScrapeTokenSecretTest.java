package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The chart's scrape token: read at the operator's start, created once when absent. */
@EnableKubernetesMockClient(crud = true)
class ScrapeTokenSecretTest {
  KubernetesClient client;

  @Test
  void anAbsentSecretIsCreatedOnceWithARandomTokenAndKeptAfterwards() {
    String first = ScrapeTokenSecret.resolve(client, "ops", "sdb-scrape-token/token", rng());
    assertThat(first).hasSizeGreaterThanOrEqualTo(40);
    Secret stored = client.secrets().inNamespace("ops").withName("sdb-scrape-token").get();
    assertThat(decode(stored.getData().get("token"))).isEqualTo(first);
    // A restart (or an upgrade) reads the same token: nothing to re-copy anywhere.
    assertThat(ScrapeTokenSecret.resolve(client, "ops", "sdb-scrape-token", rng()))
        .isEqualTo(first);
  }

  @Test
  void theUsersOwnSecretAndKeyAreReadAsTheyAre() {
    client
        .secrets()
        .inNamespace("ops")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("mine")
                .withNamespace("ops")
                .endMetadata()
                .addToData(
                    "bearer",
                    Base64.getEncoder()
                        .encodeToString("users-token\n".getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    assertThat(ScrapeTokenSecret.resolve(client, "ops", "mine/bearer", rng()))
        .isEqualTo("users-token");
    // A Secret without the named key gives no token (and is left alone).
    assertThat(ScrapeTokenSecret.resolve(client, "ops", "mine/token", rng())).isNull();
    assertThat(client.secrets().inNamespace("ops").withName("mine").get().getData())
        .containsOnlyKeys("bearer");
    // Not configured: nothing read or created.
    assertThat(ScrapeTokenSecret.resolve(client, "ops", "", rng())).isNull();
    assertThat(client.secrets().inNamespace("ops").list().getItems()).hasSize(1);
  }

  private static SecureRandom rng() {
    return new SecureRandom();
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}

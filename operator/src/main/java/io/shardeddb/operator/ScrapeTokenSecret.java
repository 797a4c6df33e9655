package io.shardeddb.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token the chart's PodMonitors send to every pod's {@code /prometheus}: read at start from the
 * Secret {@code shardeddb.metrics-scraper.token-secret} names in the operator's namespace, and
 * created there with a random {@code token} when absent (so an install needs nothing made by hand
 * and an upgrade keeps it). The operator then adds it to every database's {@code <db>-metrics}
 * Secret ({@code SecretModel.metricsAuth}). A rotation: change the Secret's token and restart the
 * operator.
 */
final class ScrapeTokenSecret {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeTokenSecret.class);
  static final String DEFAULT_KEY = "token";

  private ScrapeTokenSecret() {}

  /**
   * The token of {@code ref} ({@code name} or {@code name/key}) in {@code namespace}, creating the
   * Secret when it does not exist; null when {@code ref} is blank or the Secret lacks the key.
   */
  static String resolve(
      KubernetesClient client, String namespace, String ref, SecureRandom random) {
    if (ref == null || ref.isBlank() || namespace == null) {
      return null;
    }
    int slash = ref.indexOf('/');
    String name = slash < 0 ? ref.trim() : ref.substring(0, slash).trim();
    String key = slash < 0 ? DEFAULT_KEY : ref.substring(slash + 1).trim();
    Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
    if (existing == null) {
      byte[] bytes = new byte[36];
      random.nextBytes(bytes);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Secret created =
          new SecretBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .addToLabels("app.kubernetes.io/managed-by", "shardeddb-operator")
              .addToLabels("app.kubernetes.io/component", "metrics")
              .endMetadata()
              .addToData(key, encode(token))
              .build();
      try {
        client.secrets().inNamespace(namespace).resource(created).create();
        LOG.info("created the scrape token Secret {}/{}", namespace, name);
        return token;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Another operator replica created it first: use theirs.
        existing = client.secrets().inNamespace(namespace).withName(name).get();
      }
    }
    String value =
        existing == null || existing.getData() == null ? null : existing.getData().get(key);
    if (value == null || value.isBlank()) {
      LOG.warn(
          "the scrape token Secret {}/{} has no key '{}': no scrape token is given to the databases",
          namespace,
          name,
          key);
      return null;
    }
    return new String(Base64.getDecoder().decode(value.trim()), StandardCharsets.UTF_8).trim();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}

package io.shardeddb.operator.model;

import static io.shardeddb.api.SecretKeys.ADMIN_TOKEN;
import static io.shardeddb.api.SecretKeys.MYSQL_PASSWORD;
import static io.shardeddb.api.SecretKeys.MYSQL_ROOT_PASSWORD;
import static io.shardeddb.api.SecretKeys.MYSQL_USERNAME;
import static io.shardeddb.api.SecretKeys.SCRAPER_TOKEN;
import static io.shardeddb.api.SecretKeys.TOKEN;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Secrets the operator generates: the router's bearer tokens and the MySQL credentials
 * (when the user names none) and the shard credential. Values are random once and then kept from
 * the existing Secret.
 */
public final class SecretModel {

  /** The MySQL user shard-servers log in as. */
  static final String MYSQL_USER = "shardeddb";

  private final SecureRandom random;

  /** Generates with this source of randomness. */
  public SecretModel(SecureRandom random) {
    this.random = random;
  }

  /**
   * The router token Secret: a data token and a separate admin token, keeping {@code existing}
   * values (null when there is none yet).
   */
  public Secret routerToken(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TOKEN, keep(existing, TOKEN));
    data.put(ADMIN_TOKEN, keep(existing, ADMIN_TOKEN));
    return secret(
        db,
        ShardedDatabaseResources.generatedRouterTokenSecretName(db.name()),
        Labels.COMPONENT_ROUTER_TOKEN,
        data);
  }

  /**
   * The shard credential Secret: {@code token} generated once, and every key already stored kept as
   * it is, so the keys an administrator adds during a rotation (docs/security.md) survive.
   */
  public Secret shardAuth(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TOKEN, keep(existing, TOKEN));
    if (existing != null && existing.getData() != null) {
      existing.getData().forEach(data::putIfAbsent);
    }
    return secret(
        db,
        ShardedDatabaseResources.shardAuthSecretName(db.name()),
        Labels.COMPONENT_SHARD_AUTH,
        data);
  }

  /**
   * The shard data credential Secret (what routers hold): {@code token} generated once, every key
   * already stored kept, as for {@link #shardAuth}.
   */
  public Secret shardDataAuth(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TOKEN, keep(existing, TOKEN));
    if (existing != null && existing.getData() != null) {
      existing.getData().forEach(data::putIfAbsent);
    }
    return secret(
        db,
        ShardedDatabaseResources.shardDataAuthSecretName(db.name()),
        Labels.COMPONENT_SHARD_DATA_AUTH,
        data);
  }

  /**
   * The scrape credential Secret ({@code <db>-metrics}): {@code token} generated once, every key
   * already stored kept (and accepted by the pods), as for {@link #shardAuth}, except the chart's
   * shared token ({@code scraper}), which is the current one or, with none configured, removed.
   */
  public Secret metricsAuth(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TOKEN, keep(existing, TOKEN));
    // The chart's PodMonitors cannot read this Secret (another namespace): the token they send is
    // given to the operator and kept here under its own key, always the current one.
    String scraper = db.scraper().token();
    if (scraper != null) {
      data.put(SCRAPER_TOKEN, encode(scraper));
    }
    if (existing != null && existing.getData() != null) {
      existing.getData().forEach(data::putIfAbsent);
    }
    if (scraper == null) {
      // No chart token any more (PodMonitors off, or its Secret gone): the shared token must stop
      // opening this database's /prometheus, so the operator's own key goes with it.
      data.remove(SCRAPER_TOKEN);
    }
    return secret(
        db,
        ShardedDatabaseResources.metricsAuthSecretName(db.name()),
        Labels.COMPONENT_METRICS_AUTH,
        data);
  }

  /** The MySQL credentials Secret, keeping {@code existing} values (null when there is none). */
  public Secret mysql(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(MYSQL_USERNAME, encode(MYSQL_USER));
    data.put(MYSQL_PASSWORD, keep(existing, MYSQL_PASSWORD));
    data.put(MYSQL_ROOT_PASSWORD, keep(existing, MYSQL_ROOT_PASSWORD));
    return secret(
        db,
        ShardedDatabaseResources.generatedMysqlSecretName(db.name()),
        Labels.COMPONENT_MYSQL_CREDENTIALS,
        data);
  }

  private Secret secret(
      DatabaseModel db, String name, String component, Map<String, String> base64Data) {
    return new SecretBuilder()
        .withMetadata(PodParts.meta(db, name, Labels.component(db.name(), component)))
        .withType("Opaque")
        .withData(base64Data)
        .build();
  }

  /** The existing base64 value of {@code key}, or a fresh random one. */
  private String keep(Secret existing, String key) {
    if (existing != null && existing.getData() != null && existing.getData().get(key) != null) {
      return existing.getData().get(key);
    }
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return encode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  private static String encode(String value) {
    return Base64.getEncoder()
        .encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}

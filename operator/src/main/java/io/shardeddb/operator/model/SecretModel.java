package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Secrets the operator generates when the user names none: the router's bearer token and
 * the MySQL credentials. Values are random once and then kept from the existing Secret.
 */
public final class SecretModel {

  /** Key of the router token. */
  public static final String TOKEN = "token";

  /** Keys of the MySQL credentials. */
  public static final String MYSQL_USERNAME = "username";

  public static final String MYSQL_PASSWORD = "password";
  public static final String MYSQL_ROOT_PASSWORD = "root-password";

  /** The MySQL user shard-servers log in as. */
  static final String MYSQL_USER = "shardeddb";

  private final SecureRandom random;

  /** Generates with this source of randomness. */
  public SecretModel(SecureRandom random) {
    this.random = random;
  }

  /** The router token Secret, keeping {@code existing} values (null when there is none yet). */
  public Secret routerToken(DatabaseModel db, Secret existing) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TOKEN, keep(existing, TOKEN));
    return secret(
        db,
        ShardedDatabaseResources.generatedRouterTokenSecretName(db.name()),
        Labels.COMPONENT_ROUTER_TOKEN,
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
        .withMetadata(ShardModel.meta(db, name, Labels.component(db.name(), component)))
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

package io.shardeddb.operator.model;

import io.shardeddb.api.v1alpha1.ImagesSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The container images the operator runs, and the Secrets their pods pull them with; read from the
 * environment (the Helm chart sets it) with defaults that match the project's release.
 */
public record Images(String shardServer, String router, String mysql, List<String> pullSecrets) {

  /** Env var naming the pull Secrets (comma-separated names) of every pod the operator makes. */
  public static final String PULL_SECRETS_ENV = "SHARDEDDB_IMAGE_PULL_SECRETS";

  public Images {
    pullSecrets = pullSecrets == null ? List.of() : List.copyOf(pullSecrets);
  }

  /** Images pulled without a Secret. */
  public Images(String shardServer, String router, String mysql) {
    this(shardServer, router, mysql, List.of());
  }

  /** Env var naming the shard-server image. */
  public static final String SHARD_SERVER_ENV = "SHARDEDDB_SHARD_SERVER_IMAGE";

  /** Env var naming the router image. */
  public static final String ROUTER_ENV = "SHARDEDDB_ROUTER_IMAGE";

  /** Env var naming the MySQL image. */
  public static final String MYSQL_ENV = "SHARDEDDB_MYSQL_IMAGE";

  /**
   * The project's one version (the root pom's, without {@code -SNAPSHOT}), which the build writes
   * into {@code release.properties}: the tag of this release's router and shard-server images.
   */
  public static final String VERSION = releaseVersion();

  /** The images of this release, used when the environment names none. */
  public static final Images DEFAULTS =
      new Images("shardeddb/shard-server:" + VERSION, "shardeddb/router:" + VERSION, "mysql:8.4");

  private static String releaseVersion() {
    java.util.Properties p = new java.util.Properties();
    try (var in = Images.class.getResourceAsStream("release.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "release.properties is missing from the operator's classes: build with Maven");
      }
      p.load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String v = p.getProperty("version", "");
    if (!v.matches("[0-9A-Za-z][0-9A-Za-z.+-]*")) {
      throw new IllegalStateException(
          "release.properties holds no version (\"" + v + "\"): the build did not filter it");
    }
    return v;
  }

  /** These images with the database's own ({@code spec.images}) where it names one. */
  public Images overriddenBy(ImagesSpec spec) {
    if (spec == null) {
      return this;
    }
    return new Images(
        spec.shardServer() != null ? spec.shardServer() : shardServer,
        spec.router() != null ? spec.router() : router,
        spec.mysql() != null ? spec.mysql() : mysql,
        spec.pullSecrets() != null ? spec.pullSecrets() : pullSecrets);
  }

  /** Images from these environment variables, falling back to the defaults one by one. */
  public static Images fromEnvironment(Map<String, String> env) {
    return new Images(
        env.getOrDefault(SHARD_SERVER_ENV, DEFAULTS.shardServer()),
        env.getOrDefault(ROUTER_ENV, DEFAULTS.router()),
        env.getOrDefault(MYSQL_ENV, DEFAULTS.mysql()),
        Arrays.stream(env.getOrDefault(PULL_SECRETS_ENV, "").split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .toList());
  }
}

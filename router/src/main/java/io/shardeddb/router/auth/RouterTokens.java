package io.shardeddb.router.auth;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.scheduling.annotation.Scheduled;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * The router's two bearer tokens, data and admin, each from its file ({@code
 * shardeddb.router.auth.token-file}, {@code admin-token-file}: the mounted router token Secret in a
 * cluster) or, when no file is named, from its value ({@code token}, {@code admin-token}:
 * environment variables in standalone and local use). The files are read again every {@code
 * shardeddb.router.auth.refresh}; a changed token keeps its previous value accepted for {@code
 * shardeddb.router.auth.overlap} (docs/security.md, "Router tokens").
 */
@Singleton
public class RouterTokens {
  static final String DATA = "data token";
  static final String ADMIN = "admin token";

  private final RouterToken data;
  private final RouterToken admin;

  public RouterTokens(RouterSettings settings) {
    this(settings.auth(), InstantSource.system());
  }

  RouterTokens(RouterSettings.Auth auth, InstantSource clock) {
    this.data = token(DATA, "token", auth.token(), auth.tokenFile(), auth, clock);
    this.admin = token(ADMIN, "admin-token", auth.adminToken(), auth.adminTokenFile(), auth, clock);
  }

  private static RouterToken token(
      String name,
      String key,
      String value,
      String file,
      RouterSettings.Auth auth,
      InstantSource clock) {
    if (file.isBlank()) {
      return RouterToken.fixed(name, value);
    }
    if (!value.isBlank()) {
      throw new ConfigurationException(
          "shardeddb.router.auth."
              + key
              + " and shardeddb.router.auth."
              + key
              + "-file are both set; set one (the file when the token is a mounted Secret)");
    }
    try {
      return RouterToken.file(name, Path.of(file.strip()), auth.overlap(), clock);
    } catch (IllegalStateException e) {
      throw new ConfigurationException(
          e.getMessage() + " (shardeddb.router.auth." + key + "-file)", e);
    }
  }

  /** The data token: {@code /read}, {@code /write} and the other data endpoints. */
  public RouterToken data() {
    return data;
  }

  /** The admin token: {@code /init}, {@code /add}, {@code /rm}, {@code /admin/**}. */
  public RouterToken admin() {
    return admin;
  }

  /** Reads both files again (fixed tokens stay as they are). */
  // @Scheduled takes a property expression, not a bean: its default repeats RouterSettings'.
  @Scheduled(
      fixedDelay = "${shardeddb.router.auth.refresh:2s}",
      initialDelay = "${shardeddb.router.auth.refresh:2s}")
  public void reload() {
    data.reload();
    admin.reload();
  }
}

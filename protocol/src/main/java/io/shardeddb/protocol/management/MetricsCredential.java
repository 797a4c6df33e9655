package io.shardeddb.protocol.management;

import io.shardeddb.protocol.auth.CredentialSource;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The scrape credential {@code /prometheus} takes (docs/security.md, "Management port"): a bearer
 * token from the mounted {@code <db>-metrics} Secret (every file accepted, read again every {@code
 * refresh}, so a rotation has an overlap: add the new key, move Prometheus, drop the old one) or
 * one fixed token, compared in constant time. None configured (a standalone server, the tests that
 * do not set one): {@code /prometheus} is open, as health is; the operator and local mode always
 * configure one.
 */
public final class MetricsCredential {
  /** The metrics path, the one path this credential guards. */
  public static final String PATH = "/prometheus";

  /** The environment variable naming the mounted Secret's directory (set by the operator). */
  public static final String DIR_ENV = "SHARDEDDB_METRICS_AUTH_DIR";

  private final CredentialSource source;

  private MetricsCredential(CredentialSource source) {
    this.source = source;
  }

  /** From the directory when set, else the token when set, else none (open). */
  public static MetricsCredential of(String dir, String token, Duration refresh) {
    if (dir != null && !dir.isBlank()) {
      return new MetricsCredential(
          CredentialSource.directory(Path.of(dir.trim()), refresh, System::nanoTime));
    }
    if (token != null && !token.isBlank()) {
      return new MetricsCredential(CredentialSource.fixed(token.trim()));
    }
    return new MetricsCredential(null);
  }

  /** Whether a credential is configured (and so required on {@link #PATH}). */
  public boolean required() {
    return source != null;
  }

  /** Whether a request to {@link #PATH} with this {@code Authorization} header may read it. */
  public boolean accepts(String authorization) {
    return source == null || source.get().accepts(authorization);
  }
}

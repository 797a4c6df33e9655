package io.shardeddb.router.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.router.tls.*} (docs/security.md): {@code dir} is the mounted Secret directory
 * holding the database's CA ({@code ca.crt}) and the router's certificate ({@code tls.crt}, {@code
 * tls.key}, role router): with it, calls to shard-servers are TLS, present that certificate, and
 * accept only shard-servers of that CA. {@code serve-tls} serves the client port as HTTPS, with the
 * certificate of {@code server-dir} (a user's {@code kubernetes.io/tls} Secret) or else of {@code
 * dir}. Files are read again every {@code refresh}, so renewed certificates need no restart.
 */
@ConfigurationProperties("shardeddb.router.tls")
public record RouterTlsSettings(
    @Nullable String dir,
    @Nullable String serverDir,
    @Bindable(defaultValue = "false") boolean serveTls,
    @Bindable(defaultValue = "10s") Duration refresh) {

  /** Whether shard-server calls use TLS. */
  public boolean shardTls() {
    return dir != null && !dir.isBlank();
  }

  /** The directory of the certificate served to clients. */
  public String servedDir() {
    return serverDir != null && !serverDir.isBlank() ? serverDir.trim() : dir == null ? "" : dir;
  }
}

package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.management.MetricsCredential;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Builds this server's {@link CredentialSource} from {@link AuthSettings}. */
@Factory
public class CredentialsFactory {

  /**
   * The mounted directory when set, else the single token. With auth on and neither set the server
   * refuses to start: an open shard-server would let anyone who reaches it change its role.
   */
  @Singleton
  @Primary
  public CredentialSource credentials(AuthSettings settings) {
    if (settings.credentialsDir() != null && !settings.credentialsDir().isBlank()) {
      return CredentialSource.directory(
          Path.of(settings.credentialsDir().trim()), settings.refresh(), System::nanoTime);
    }
    if (settings.token() != null && !settings.token().isBlank()) {
      return CredentialSource.fixed(settings.token().trim());
    }
    if (settings.enabled()) {
      throw new ConfigurationException(
          "shardeddb.auth.credentials-dir (SHARDEDDB_AUTH_DIR) or shardeddb.auth.token"
              + " (SHARDEDDB_AUTH_TOKEN) must be set while shardeddb.auth.enabled is true");
    }
    return CredentialSource.fixed("");
  }

  /**
   * The data credential (routers' identity), accepted on the data endpoints only; none configured
   * (a standalone router, or an operator from before per-role credentials): nothing extra is
   * accepted there, the shard credential still is.
   */
  @Singleton
  @Named(DATA)
  public CredentialSource dataCredentials(AuthSettings settings) {
    if (settings.dataCredentialsDir() != null && !settings.dataCredentialsDir().isBlank()) {
      return CredentialSource.directory(
          Path.of(settings.dataCredentialsDir().trim()), settings.refresh(), System::nanoTime);
    }
    if (settings.dataToken() != null && !settings.dataToken().isBlank()) {
      return CredentialSource.fixed(settings.dataToken().trim());
    }
    return CredentialSource.fixed("");
  }

  /**
   * The scrape credential {@code /prometheus} takes ({@code shardeddb.metrics.auth.*}: the mounted
   * {@code <db>-metrics} Secret's directory or one token); neither: {@code /prometheus} is open.
   */
  @Singleton
  public MetricsCredential metricsCredential(
      @Value("${shardeddb.metrics.auth.credentials-dir:}") String dir,
      @Value("${shardeddb.metrics.auth.token:}") String token,
      AuthSettings settings) {
    return MetricsCredential.of(dir, token, settings.refresh());
  }

  /** The qualifier of the data credential's source. */
  public static final String DATA = "data";
}

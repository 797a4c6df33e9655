package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * This server's TLS material ({@link TlsSettings}) and the client side its peers are called with.
 */
@Factory
public class TlsFactory {

  /** The TLS material of this server, or none with TLS off. */
  @Singleton
  public ServerTls serverTls(TlsSettings settings) {
    if (!settings.enabled()) {
      return new ServerTls(Optional.empty());
    }
    if (settings.dir() == null || settings.dir().isBlank()) {
      throw new ConfigurationException(
          "shardeddb.tls.dir (SHARDEDDB_TLS_DIR) must name the mounted certificate directory"
              + " while shardeddb.tls.enabled is true");
    }
    return new ServerTls(
        Optional.of(
            TlsMaterialSource.directory(
                Path.of(settings.dir().trim()),
                settings.podName(),
                settings.refresh(),
                System::nanoTime)));
  }

  /**
   * The material in force ({@code source}, empty with TLS off), and the HTTP client setup for calls
   * to peers: this server's certificate as the client identity, peers verified as shard-servers of
   * the same CA.
   */
  public record ServerTls(Optional<TlsMaterialSource> source) {
    /** Whether this server speaks TLS. */
    public boolean enabled() {
      return source.isPresent();
    }

    /** {@code builder} with the peer TLS context when TLS is on, unchanged otherwise. */
    public HttpClient.Builder peers(HttpClient.Builder builder) {
      source.ifPresent(s -> builder.sslContext(peerContext(s)));
      return builder;
    }

    private static SSLContext peerContext(TlsMaterialSource source) {
      return Tls.clientContext(source, TlsRole.SHARD_SERVER);
    }
  }
}

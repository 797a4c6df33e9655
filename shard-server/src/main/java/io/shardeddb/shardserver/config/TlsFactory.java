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
    TlsMaterialSource source =
        TlsMaterialSource.directory(
            Path.of(settings.dir().trim()),
            settings.podName(),
            settings.refresh(),
            System::nanoTime);
    return new ServerTls(Optional.of(source), new PeerPodNames(source, settings.podName()));
  }

  /**
   * The material in force ({@code source}, empty with TLS off), and the client side of calls to
   * peers: this server's certificate as the client identity, peers verified as shard-servers of the
   * same CA and, at the addresses of its role's peers, as the pods named there ({@code pods}).
   */
  public record ServerTls(Optional<TlsMaterialSource> source, PeerPodNames pods) {

    /** TLS as {@code source} says, expecting no pod anywhere until told the peers. */
    public ServerTls(Optional<TlsMaterialSource> source) {
      this(source, new PeerPodNames(source.orElse(null), null));
    }

    /** Whether this server speaks TLS. */
    public boolean enabled() {
      return source.isPresent();
    }

    /** {@code builder} with the peer TLS context when TLS is on, unchanged otherwise. */
    public HttpClient.Builder peers(HttpClient.Builder builder) {
      source.ifPresent(s -> builder.sslContext(peerContext()));
      return builder;
    }

    /** A context for calling peers (TLS on only): shard-servers, the pods expected by address. */
    public SSLContext peerContext() {
      return Tls.clientContext(source.orElseThrow(), TlsRole.SHARD_SERVER, pods.names());
    }

    /** An import reads from the source replicas {@code hostByUrl} ({@link PeerPodNames}). */
    public void expectSources(java.util.Map<String, String> hostByUrl) {
      pods.expectSources(hostByUrl);
    }

    /** From now on the peers of this server's role are {@code peers} (see {@link PeerPodNames}). */
    public void expectPeers(java.util.Collection<io.shardeddb.protocol.shard.Peer> peers) {
      pods.expect(peers);
    }
  }
}

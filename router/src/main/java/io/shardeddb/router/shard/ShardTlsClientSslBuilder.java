package io.shardeddb.router.shard;

import io.micronaut.context.annotation.BootstrapContextCompatible;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.client.HttpVersionSelection;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.http.ssl.SslConfiguration;
import io.netty.handler.ssl.SslContextBuilder;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.router.config.RouterTlsSettings;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTPS side of the router's shard-server calls, from the project's TLS helper: the router's
 * certificate as the client identity (mTLS; shard-servers let the router role reach the data
 * endpoints only), and a server accepted only when it chains to the database's CA, holds the
 * shard-server role and, at an address the topology names a pod for, presents that pod's
 * certificate ({@link ShardPodNames}). The dialled host name itself is not compared: shard-servers
 * are reached by pod IP (see {@code RoleTrustManager}); Micronaut's client makes each SSL engine
 * with the URL's host and port, which is what the expected pod is looked up by. TLS 1.3 only
 * ({@link Tls#INTERNAL_PROTOCOLS}). Without {@code shardeddb.router.tls.dir}, Micronaut's defaults
 * apply.
 */
@Singleton
@BootstrapContextCompatible
@Replaces(NettyClientSslBuilder.class)
public class ShardTlsClientSslBuilder extends NettyClientSslBuilder {

  private final TlsMaterialSource source;
  private final ShardPodNames podNames;

  public ShardTlsClientSslBuilder(
      ResourceResolver resources, RouterTlsSettings settings, ShardPodNames podNames) {
    super(resources);
    this.podNames = podNames;
    this.source =
        settings.shardTls()
            ? TlsMaterialSource.directory(
                Path.of(settings.dir().trim()), settings.refresh(), System::nanoTime)
            : null;
  }

  @Override
  protected KeyManagerFactory getKeyManagerFactory(SslConfiguration ssl) {
    return source == null ? super.getKeyManagerFactory(ssl) : Tls.keyManagerFactory(source);
  }

  /** Calls to shard-servers (one of the project's processes): TLS 1.3 only. */
  @Override
  protected SslContextBuilder createSslContextBuilder(
      SslConfiguration ssl, HttpVersionSelection versions) {
    SslContextBuilder builder = super.createSslContextBuilder(ssl, versions);
    return source == null ? builder : builder.protocols(Tls.INTERNAL_PROTOCOLS);
  }

  @Override
  protected TrustManagerFactory getTrustManagerFactory(SslConfiguration ssl) {
    return source == null
        ? super.getTrustManagerFactory(ssl)
        : Tls.trustManagerFactory(source, Set.of(TlsRole.SHARD_SERVER), podNames.names());
  }
}

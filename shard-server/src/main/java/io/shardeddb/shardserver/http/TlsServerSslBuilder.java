package io.shardeddb.shardserver.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpVersion;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.micronaut.http.ssl.SslConfiguration;
import io.netty.handler.ssl.SslContextBuilder;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.shardserver.config.TlsFactory;
import jakarta.inject.Singleton;
import java.util.EnumSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Micronaut's server TLS, fed from the project's TLS helper: the key reloads from the mounted
 * directory at each handshake, and a client certificate, when one is presented, must chain to the
 * database's CA and carry a role ({@code ShardAuthFilter} decides what that role may call). Health
 * probes present none (the kubelet has no certificate) and reach the open paths only. TLS 1.3 only
 * ({@link Tls#INTERNAL_PROTOCOLS}), on the API and the management port alike.
 */
@Singleton
@Replaces(CertificateProvidedSslBuilder.class)
@Requires(property = "shardeddb.tls.enabled", value = "true")
public class TlsServerSslBuilder extends CertificateProvidedSslBuilder {

  private final TlsFactory.ServerTls tls;

  public TlsServerSslBuilder(
      HttpServerConfiguration server,
      ServerSslConfiguration ssl,
      ResourceResolver resources,
      TlsFactory.ServerTls tls) {
    super(server, ssl, resources);
    this.tls = tls;
  }

  @Override
  protected KeyManagerFactory getKeyManagerFactory(SslConfiguration ssl) {
    return Tls.keyManagerFactory(tls.source().orElseThrow());
  }

  @Override
  protected TrustManagerFactory getTrustManagerFactory(SslConfiguration ssl) {
    return Tls.trustManagerFactory(tls.source().orElseThrow(), EnumSet.allOf(TlsRole.class));
  }

  /** Every caller of a shard-server is one of the project's processes: TLS 1.3 only. */
  @Override
  protected void processBuilder(
      SslContextBuilder builder, SslConfiguration ssl, HttpVersion version) {
    builder.protocols(Tls.INTERNAL_PROTOCOLS);
  }
}

package io.shardeddb.shardserver.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.micronaut.http.ssl.SslConfiguration;
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
 * probes present none (the kubelet has no certificate) and reach the open paths only.
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
}

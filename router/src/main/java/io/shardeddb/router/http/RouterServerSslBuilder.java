package io.shardeddb.router.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpVersion;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.micronaut.http.ssl.SslConfiguration;
import io.netty.handler.ssl.SslContextBuilder;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.router.config.RouterTlsSettings;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import javax.net.ssl.KeyManagerFactory;

/**
 * The router's HTTPS for its clients: the certificate of the user's Secret ({@code server-dir}) or
 * the operator-issued router certificate ({@code dir}), read again as the files change, so a
 * renewal needs no restart.
 */
@Singleton
@Replaces(CertificateProvidedSslBuilder.class)
@Requires(property = "shardeddb.router.tls.serve-tls", value = "true")
public class RouterServerSslBuilder extends CertificateProvidedSslBuilder {

  private final TlsMaterialSource source;

  public RouterServerSslBuilder(
      HttpServerConfiguration server,
      ServerSslConfiguration ssl,
      ResourceResolver resources,
      RouterTlsSettings settings) {
    super(server, ssl, resources);
    if (settings.servedDir().isBlank()) {
      throw new ConfigurationException(
          "shardeddb.router.tls.serve-tls needs shardeddb.router.tls.server-dir or"
              + " shardeddb.router.tls.dir (the certificate to serve)");
    }
    this.source =
        TlsMaterialSource.directory(
            Path.of(settings.servedDir()), settings.refresh(), System::nanoTime);
  }

  @Override
  protected KeyManagerFactory getKeyManagerFactory(SslConfiguration ssl) {
    return Tls.keyManagerFactory(source);
  }

  /** The client-facing port: TLS 1.3, and 1.2 for older clients ({@link Tls#CLIENT_PROTOCOLS}). */
  @Override
  protected void processBuilder(
      SslContextBuilder builder, SslConfiguration ssl, HttpVersion version) {
    builder.protocols(Tls.CLIENT_PROTOCOLS);
  }
}

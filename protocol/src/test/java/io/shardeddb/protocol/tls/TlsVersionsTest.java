package io.shardeddb.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * TLS versions (docs/security.md, "TLS versions"): the contexts {@link Tls} builds for the hops
 * between the project's own processes speak TLS 1.3 only, whoever uses them (their engines, sockets
 * and default parameters), so an internal server refuses a client that offers only TLS 1.2 and an
 * internal client refuses a server that speaks only TLS 1.2; the router's clients' context keeps
 * 1.2 for the client-facing ports.
 */
class TlsVersionsTest {
  private static final Instant NOW = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("versions-ca", NOW, Duration.ofDays(30), new SecureRandom());

  private TlsMaterialSource material(TlsRole role) {
    CertificateAuthority.Issued issued =
        ca.issue(role, role.label(), List.of(), List.of(), NOW, Duration.ofDays(1));
    return TlsMaterialSource.fixed(
        PemMaterial.parse(
            PemMaterial.pem(List.of(ca.certificate())), issued.certificatePem(), issued.keyPem()));
  }

  @Test
  void internalContextsOfferOnlyTls13AndTheRoutersClientsContextAlso12() {
    SSLContext client = Tls.clientContext(material(TlsRole.ROUTER), TlsRole.SHARD_SERVER);
    SSLContext server =
        Tls.serverContext(material(TlsRole.SHARD_SERVER), EnumSet.allOf(TlsRole.class));
    for (SSLContext c : List.of(client, server)) {
      assertThat(c.getDefaultSSLParameters().getProtocols()).containsExactly("TLSv1.3");
      assertThat(c.createSSLEngine().getEnabledProtocols()).containsExactly("TLSv1.3");
      assertThat(c.createSSLEngine("10.0.0.1", 8081).getEnabledProtocols())
          .containsExactly("TLSv1.3");
    }
    assertThat(Tls.INTERNAL_PROTOCOLS).containsExactly("TLSv1.3");
    assertThat(Tls.CLIENT_PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(
            Tls.routerClientContext(PemMaterial.pem(List.of(ca.certificate())))
                .getDefaultSSLParameters()
                .getProtocols())
        .contains("TLSv1.3", "TLSv1.2");
  }

  @Test
  void anInternalServerRefusesAClientOfferingOnlyTls12AndServes13() throws Exception {
    SSLContext internal =
        Tls.serverContext(material(TlsRole.SHARD_SERVER), EnumSet.allOf(TlsRole.class));
    try (SSLServerSocket listener =
        (SSLServerSocket)
            internal
                .getServerSocketFactory()
                .createServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> accepted = serve(listener);
      // A client of the old kind: any server accepted, TLS 1.2 only.
      try (SSLSocket old = connect(Tls.probeContext(), listener.getLocalPort())) {
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertThatThrownBy(old::startHandshake).isInstanceOf(SSLException.class);
      }
      assertThat(accepted.handle((v, e) -> e).get(10, TimeUnit.SECONDS)).isNotNull();

      CompletableFuture<String> next = serve(listener);
      try (SSLSocket current = connect(Tls.probeContext(), listener.getLocalPort())) {
        current.startHandshake();
        assertThat(current.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void anInternalClientRefusesAServerSpeakingOnlyTls12() throws Exception {
    SSLContext plain = SSLContext.getInstance("TLS");
    plain.init(Tls.keyManagerFactory(material(TlsRole.SHARD_SERVER)).getKeyManagers(), null, null);
    try (SSLServerSocket listener =
        (SSLServerSocket)
            plain
                .getServerSocketFactory()
                .createServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      listener.setEnabledProtocols(new String[] {"TLSv1.2"});
      CompletableFuture<String> accepted = serve(listener);
      SSLContext internal = Tls.clientContext(material(TlsRole.ROUTER), TlsRole.SHARD_SERVER);
      try (SSLSocket client = connect(internal, listener.getLocalPort())) {
        assertThat(client.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThatThrownBy(client::startHandshake).isInstanceOf(SSLException.class);
      }
      assertThat(accepted.handle((v, e) -> e).get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }

  private static SSLSocket connect(SSLContext context, int port) throws Exception {
    SSLSocket s =
        (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Accepts one connection and shakes hands: the protocol agreed, or the failure. */
  private static CompletableFuture<String> serve(SSLServerSocket listener) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (SSLSocket s = (SSLSocket) listener.accept()) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            String protocol = s.getSession().getProtocol();
            s.getOutputStream().flush();
            return protocol;
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
  }
}

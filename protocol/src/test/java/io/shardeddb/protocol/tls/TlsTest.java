package io.shardeddb.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

  private static final Instant NOW = Instant.now();
  private final SecureRandom random = new SecureRandom();
  private final CertificateAuthority ca =
      CertificateAuthority.create("db-ca", NOW, Duration.ofDays(365), random);
  private HttpsServer server;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private PemMaterial material(CertificateAuthority authority, TlsRole role) {
    CertificateAuthority.Issued issued =
        authority.issue(
            role, role.label(), List.of("x.example"), List.of(), NOW, Duration.ofDays(30));
    return PemMaterial.parse(
        PemMaterial.pem(List.of(authority.certificate())),
        issued.certificatePem(),
        issued.keyPem());
  }

  @Test
  void aClientVerifiesTheServersChainAndRoleButNotTheHostName() throws Exception {
    URI uri = start(TlsMaterialSource.fixed(material(ca, TlsRole.SHARD_SERVER)));
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(
                Tls.clientContext(
                    TlsMaterialSource.fixed(material(ca, TlsRole.ROUTER)), TlsRole.SHARD_SERVER))
            .build();

    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

    // 127.0.0.1 is not among the certificate's names: identity is chain + role.
    assertThat(response.body()).isEqualTo("router");
  }

  @Test
  void aServerOfAnotherRoleIsRefused() throws Exception {
    URI uri = start(TlsMaterialSource.fixed(material(ca, TlsRole.ROUTER)));
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(
                Tls.clientContext(
                    TlsMaterialSource.fixed(material(ca, TlsRole.OPERATOR)), TlsRole.SHARD_SERVER))
            .build();

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aServerOfAnotherCaIsRefused() throws Exception {
    CertificateAuthority other =
        CertificateAuthority.create("other-ca", NOW, Duration.ofDays(365), random);
    URI uri = start(TlsMaterialSource.fixed(material(other, TlsRole.SHARD_SERVER)));
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(
                Tls.clientContext(
                    TlsMaterialSource.fixed(material(ca, TlsRole.ROUTER)), TlsRole.SHARD_SERVER))
            .build();

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aRenewedCertificateInTheMountedDirectoryIsServedWithoutARestart() throws Exception {
    write(material(ca, TlsRole.SHARD_SERVER));
    AtomicLong clock = new AtomicLong();
    TlsMaterialSource source = TlsMaterialSource.directory(dir, Duration.ofSeconds(10), clock::get);
    X509Certificate first = source.get().chain().get(0);

    PemMaterial renewed = material(ca, TlsRole.SHARD_SERVER);
    write(renewed);
    assertThat(source.get().chain().get(0)).isEqualTo(first);
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(source.get().chain().get(0)).isEqualTo(renewed.chain().get(0));

    // A broken file (mid-swap) keeps the last good material.
    Files.writeString(dir.resolve(PemMaterial.KEY_FILE), "garbage");
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(source.get().chain().get(0)).isEqualTo(renewed.chain().get(0));
  }

  @Test
  void theRoleIsReadFromTheCertificate() {
    for (TlsRole role : TlsRole.values()) {
      assertThat(TlsRole.of(material(ca, role).chain().get(0))).contains(role);
    }
    assertThat(TlsRole.of(ca.certificate())).isEmpty();
  }

  private void write(PemMaterial m) throws IOException {
    Files.writeString(dir.resolve(PemMaterial.CA_FILE), PemMaterial.pem(m.authorities()));
    Files.writeString(dir.resolve(PemMaterial.CERT_FILE), PemMaterial.pem(m.chain()));
    Files.writeString(dir.resolve(PemMaterial.KEY_FILE), PemMaterial.pem(m.key()));
  }

  /** An HTTPS server on 127.0.0.1 answering with the role of the client certificate it got. */
  private URI start(TlsMaterialSource identity) throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    SSLContext context = Tls.serverContext(identity, EnumSet.allOf(TlsRole.class));
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            params.setWantClientAuth(true);
          }
        });
    server.createContext(
        "/",
        exchange -> {
          String role;
          try {
            role =
                TlsRole.of(
                        (X509Certificate)
                            ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                    .map(TlsRole::label)
                    .orElse("none");
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            role = "anonymous";
          }
          byte[] body = role.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }
}

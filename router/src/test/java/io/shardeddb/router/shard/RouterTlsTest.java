package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's two TLS sides: it calls shard-servers over TLS presenting its router certificate and
 * accepts only a shard-server of its database's CA, and it serves its clients over HTTPS (no plain
 * HTTP) unless told to serve plain HTTP for the course client.
 */
class RouterTlsTest {

  private final SecureRandom random = new SecureRandom();
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("router-test-ca", now, Duration.ofDays(30), random);

  @TempDir Path tls;

  @Test
  void shardCallsPresentTheRouterCertificateAndVerifyTheShardServer() throws Exception {
    write(tls, identity(ca, TlsRole.ROUTER));
    List<String> clientRoles = new CopyOnWriteArrayList<>();
    HttpsServer shard = shard(identity(ca, TlsRole.SHARD_SERVER), clientRoles);
    CertificateAuthority other =
        CertificateAuthority.create("other", now, Duration.ofDays(30), random);
    HttpsServer impostor = shard(identity(other, TlsRole.SHARD_SERVER), clientRoles);
    HttpsServer routerPosingAsShard = shard(identity(ca, TlsRole.ROUTER), clientRoles);
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.tls.dir",
                tls.toString(),
                "shardeddb.router.auth.enabled",
                "false"))) {
      ShardServerClient client = ctx.getBean(ShardServerClient.class);

      client.heartbeat(url(shard)).block(Duration.ofSeconds(30));
      assertThat(clientRoles).containsExactly("router");

      assertThatThrownBy(() -> client.heartbeat(url(impostor)).block(Duration.ofSeconds(30)))
          .isNotNull();
      assertThatThrownBy(
              () -> client.heartbeat(url(routerPosingAsShard)).block(Duration.ofSeconds(30)))
          .isNotNull();
      assertThat(clientRoles).containsExactly("router");
    } finally {
      shard.stop(0);
      impostor.stop(0);
      routerPosingAsShard.stop(0);
    }
  }

  @Test
  void shardCallsSpeakTls13OnlyAndRefuseAShardServerOfferingOnlyTls12() throws Exception {
    write(tls, identity(ca, TlsRole.ROUTER));
    List<String> clientRoles = new CopyOnWriteArrayList<>();
    TlsMaterialSource shardIdentity = TlsMaterialSource.fixed(identity(ca, TlsRole.SHARD_SERVER));
    // The right certificate and trust, but TLS 1.2 only: an old or downgraded peer.
    SSLContext plain = SSLContext.getInstance("TLS");
    plain.init(
        Tls.keyManagerFactory(shardIdentity).getKeyManagers(),
        Tls.trustManagerFactory(shardIdentity, EnumSet.allOf(TlsRole.class)).getTrustManagers(),
        null);
    HttpsServer old = shard(plain, new String[] {"TLSv1.2"}, clientRoles);
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.tls.dir",
                tls.toString(),
                "shardeddb.router.auth.enabled",
                "false",
                "shardeddb.router.shard-transport",
                "http"))) {
      // It does answer a client that speaks TLS 1.2: the refusal below is the version's.
      HttpResponse<String> control =
          HttpClient.newBuilder()
              .sslContext(Tls.probeContext())
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url(old) + "/heartbeat")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(control.statusCode()).isEqualTo(200);
      clientRoles.clear();

      ShardServerClient client = ctx.getBean(ShardServerClient.class);
      assertThatThrownBy(() -> client.heartbeat(url(old)).block(Duration.ofSeconds(30)))
          .isNotNull();
      assertThat(clientRoles).isEmpty();
    } finally {
      old.stop(0);
    }
  }

  @Test
  void clientsGetHttpsAndNoPlainHttp() throws Exception {
    write(tls, identity(ca, TlsRole.ROUTER));
    try (EmbeddedServer server =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.port", "-1",
                "shardeddb.router.tls.dir", tls.toString(),
                "shardeddb.router.tls.serve-tls", "true",
                "shardeddb.router.auth.enabled", "false"))) {
      int port = server.getPort();
      HttpClient trusting =
          HttpClient.newBuilder()
              .sslContext(
                  Tls.clientContext(
                      TlsMaterialSource.fixed(
                          PemMaterial.parse(
                              PemMaterial.pem(List.of(ca.certificate())), null, null)),
                      TlsRole.ROUTER))
              .build();
      HttpResponse<String> health =
          trusting.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health/liveness"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      // The client-facing port keeps TLS 1.2 for older clients (docs/security.md, "TLS versions").
      try (SSLSocket old =
          (SSLSocket)
              Tls.probeContext()
                  .getSocketFactory()
                  .createSocket(java.net.InetAddress.getLoopbackAddress(), port)) {
        old.setSoTimeout(5000);
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        old.startHandshake();
        assertThat(old.getSession().getProtocol()).isEqualTo("TLSv1.2");
      }

      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/health/liveness"))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  private static String url(HttpsServer server) {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private HttpsServer shard(PemMaterial identity, List<String> clientRoles) throws IOException {
    return shard(
        Tls.serverContext(TlsMaterialSource.fixed(identity), EnumSet.allOf(TlsRole.class)),
        null,
        clientRoles);
  }

  /**
   * A stand-in shard-server on {@code context}, speaking only {@code protocols} (null: its own).
   */
  private HttpsServer shard(SSLContext context, String[] protocols, List<String> clientRoles)
      throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            if (protocols != null) {
              SSLParameters p = context.getDefaultSSLParameters();
              p.setProtocols(protocols);
              p.setWantClientAuth(true);
              params.setSSLParameters(p);
            } else {
              params.setWantClientAuth(true);
            }
          }
        });
    server.createContext(
        "/heartbeat",
        ex -> {
          try {
            clientRoles.add(
                TlsRole.of(
                        (X509Certificate)
                            ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0])
                    .map(TlsRole::label)
                    .orElse("none"));
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            clientRoles.add("anonymous");
          }
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return server;
  }

  private PemMaterial identity(CertificateAuthority authority, TlsRole role) {
    CertificateAuthority.Issued issued =
        authority.issue(role, role.label(), List.of(), List.of(), now, Duration.ofDays(1));
    return PemMaterial.parse(
        PemMaterial.pem(List.of(authority.certificate())),
        issued.certificatePem(),
        issued.keyPem());
  }

  private static void write(Path dir, PemMaterial m) throws IOException {
    Files.writeString(dir.resolve(PemMaterial.CA_FILE), PemMaterial.pem(m.authorities()));
    Files.writeString(dir.resolve(PemMaterial.CERT_FILE), PemMaterial.pem(m.chain()));
    Files.writeString(dir.resolve(PemMaterial.KEY_FILE), PemMaterial.pem(m.key()));
  }
}

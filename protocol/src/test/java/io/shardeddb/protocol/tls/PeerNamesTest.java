package io.shardeddb.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerNamesTest {

  private static final Instant NOW = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("db-ca", NOW, Duration.ofDays(365), new SecureRandom());
  private HttpsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private CertificateAuthority.Issued issue(String... dns) {
    return ca.issue(TlsRole.SHARD_SERVER, "x", List.of(dns), List.of(), NOW, Duration.ofDays(30));
  }

  private CertificateAuthority.Issued pod(String pod) {
    String host = PeerNames.podHost(pod, "db-sh1", "ns");
    return issue(host, host + ".cluster.local");
  }

  @Test
  void thePodsHostNameIsItsHeadlessServiceName() {
    assertThat(PeerNames.podHost("db-sh1-0", "db-sh1", "ns")).isEqualTo("db-sh1-0.db-sh1.ns.svc");
  }

  @Test
  void theRightPodsCertificateIsAccepted() {
    X509Certificate cert = pod("db-sh1-0").certificate();
    assertThatCode(() -> PeerNames.check(cert, "db-sh1-0.db-sh1.ns.svc"))
        .doesNotThrowAnyException();
    assertThat(PeerNames.names(cert, "DB-SH1-0.db-sh1.ns.svc")).isTrue();
  }

  @Test
  void aSiblingPodsCertificateIsRefused() {
    X509Certificate sibling = pod("db-sh1-1").certificate();
    assertThat(PeerNames.names(sibling, "db-sh1-0.db-sh1.ns.svc")).isFalse();
    assertThatThrownBy(() -> PeerNames.check(sibling, "db-sh1-0.db-sh1.ns.svc"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("db-sh1-0.db-sh1.ns.svc");
  }

  @Test
  void theOldSharedWildcardCoversEveryPodOfItsShardOnly() {
    // What pods not yet rolled still present during an upgrade (docs/security.md).
    X509Certificate shared =
        issue("db-sh1.ns.svc", "*.db-sh1.ns.svc", "*.db-sh1.ns.svc.cluster.local").certificate();
    assertThat(PeerNames.names(shared, "db-sh1-0.db-sh1.ns.svc")).isFalse();
    assertThat(PeerNames.sharedBefore(shared, "db-sh1-0.db-sh1.ns.svc")).isTrue();
    assertThat(PeerNames.sharedBefore(shared, "db-sh1-2.db-sh1.ns.svc")).isTrue();
    assertThatCode(() -> PeerNames.check(shared, "db-sh1-0.db-sh1.ns.svc"))
        .doesNotThrowAnyException();
    // Not another shard's pods, not a name two labels down, not the Service itself.
    assertThat(PeerNames.sharedBefore(shared, "db-sh2-0.db-sh2.ns.svc")).isFalse();
    assertThat(PeerNames.sharedBefore(shared, "a.db-sh1-0.db-sh1.ns.svc")).isFalse();
    assertThatThrownBy(() -> PeerNames.check(shared, "db-sh2-0.db-sh2.ns.svc"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void aPodsOwnCertificateGivesItsHostNameAndNoOtherPods() {
    // A shard-server names its peers after its own certificate: same Service, same namespace.
    X509Certificate own = pod("db-sh1-0").certificate();
    assertThat(PeerNames.hostOf(own, "db-sh1-0")).contains("db-sh1-0.db-sh1.ns.svc");
    assertThat(PeerNames.hostOf(own, "db-sh1-1")).isEmpty();
    assertThat(PeerNames.hostOf(own, null)).isEmpty();
    // The shared wildcard certificate names no pod.
    X509Certificate shared = issue("db-sh1.ns.svc", "*.db-sh1.ns.svc").certificate();
    assertThat(PeerNames.hostOf(shared, "db-sh1-0")).isEmpty();
  }

  @Test
  void aUrlsAddressIsItsHostAndPortAsDialled() {
    assertThat(PeerNames.address("https://10.0.0.5:8081")).isEqualTo("10.0.0.5:8081");
    assertThat(PeerNames.address("https://10.0.0.5")).isEqualTo("10.0.0.5:443");
    assertThat(PeerNames.address("https://[fd00::5]:8081/")).isEqualTo("fd00::5:8081");
  }

  @Test
  void anEngineMadeWithoutThePeersAddressIsRefusedWhenNamesAreChecked() throws Exception {
    // A client that made its engine without host and port could not be checked: never passed.
    TlsMaterialSource source =
        TlsMaterialSource.fixed(
            PemMaterial.parse(PemMaterial.pem(List.of(ca.certificate())), null, null));
    RoleTrustManager checking =
        new RoleTrustManager(source, java.util.Set.of(TlsRole.SHARD_SERVER), new PeerNames());
    javax.net.ssl.SSLEngine anonymous = javax.net.ssl.SSLContext.getDefault().createSSLEngine();
    X509Certificate[] chain = {pod("db-sh1-0").certificate()};
    assertThatThrownBy(() -> checking.checkServerTrusted(chain, "ECDHE_ECDSA", anonymous))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("without its address");
    javax.net.ssl.SSLEngine addressed =
        javax.net.ssl.SSLContext.getDefault().createSSLEngine("10.0.0.5", 8081);
    assertThatCode(() -> checking.checkServerTrusted(chain, "ECDHE_ECDSA", addressed))
        .doesNotThrowAnyException();
  }

  @Test
  void withoutTheUpgradeWindowTheWildcardIsRefused() {
    X509Certificate shared = issue("*.db-sh1.ns.svc").certificate();
    PeerNames strict = PeerNames.strict();
    strict.expect("10.0.0.5", 8081, "db-sh1-0.db-sh1.ns.svc");
    assertThatThrownBy(() -> strict.check(shared, "10.0.0.5", 8081))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void theExpectedNameIsLookedUpByTheAddressDialled() throws Exception {
    PeerNames names = new PeerNames();
    names.replaceAll(Map.of("10.0.0.5:8081", "db-sh1-0.db-sh1.ns.svc"));
    assertThat(names.expected("10.0.0.5", 8081)).contains("db-sh1-0.db-sh1.ns.svc");
    assertThat(names.expected("10.0.0.6", 8081)).isEmpty();
    names.check(pod("db-sh1-0").certificate(), "10.0.0.5", 8081);
    assertThatThrownBy(() -> names.check(pod("db-sh1-1").certificate(), "10.0.0.5", 8081))
        .isInstanceOf(CertificateException.class);
    // An address nobody named is checked by chain and role only.
    names.check(pod("db-sh1-1").certificate(), "10.0.0.6", 8081);
    names.replaceAll(Map.of());
    assertThat(names.expected("10.0.0.5", 8081)).isEmpty();
  }

  @Test
  void aHandshakeWithTheSiblingsCertificateAtTheExpectedAddressIsRefused() throws Exception {
    URI uri = start(pod("db-sh1-1"));
    PeerNames names = new PeerNames();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(Tls.clientContext(router(), TlsRole.SHARD_SERVER, names))
            .build();

    names.expect("127.0.0.1", uri.getPort(), "db-sh1-0.db-sh1.ns.svc");
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);

    names.expect("127.0.0.1", uri.getPort(), "db-sh1-1.db-sh1.ns.svc");
    HttpClient fresh =
        HttpClient.newBuilder()
            .sslContext(Tls.clientContext(router(), TlsRole.SHARD_SERVER, names))
            .build();
    assertThat(
            fresh
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aSessionResumedFromBeforeTheExpectationChangedIsNotAccepted() throws Exception {
    // A client whose SSLContext is not built by Tls (Micronaut's Netty client builds its own from
    // the trust manager factory): its sessions are found through the handshakes it checked.
    URI uri = start(pod("db-sh1-1"));
    PeerNames names = new PeerNames();
    names.expect("127.0.0.1", uri.getPort(), "db-sh1-1.db-sh1.ns.svc");
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(
        Tls.keyManagerFactory(router()).getKeyManagers(),
        Tls.trustManagerFactory(router(), java.util.Set.of(TlsRole.SHARD_SERVER), names)
            .getTrustManagers(),
        null);
    assertThat(call(context, uri)).isEqualTo(200);

    // The pod expected there changes while the same server still answers: a new connection on
    // the same context must not resume the session checked for the old name.
    names.expect("127.0.0.1", uri.getPort(), "db-sh1-0.db-sh1.ns.svc");
    assertThatThrownBy(() -> call(context, uri)).isInstanceOf(SSLHandshakeException.class);
  }

  private static int call(javax.net.ssl.SSLContext context, URI uri) throws Exception {
    // A fresh client: a new connection, which may resume a session of the context.
    return HttpClient.newBuilder()
        .sslContext(context)
        .build()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private TlsMaterialSource router() {
    CertificateAuthority.Issued id =
        ca.issue(TlsRole.ROUTER, "r", List.of(), List.of(), NOW, Duration.ofDays(30));
    return TlsMaterialSource.fixed(
        PemMaterial.parse(
            PemMaterial.pem(List.of(ca.certificate())), id.certificatePem(), id.keyPem()));
  }

  private URI start(CertificateAuthority.Issued identity) throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    TlsMaterialSource source =
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                identity.certificatePem(),
                identity.keyPem()));
    server.setHttpsConfigurator(
        new HttpsConfigurator(Tls.serverContext(source, EnumSet.allOf(TlsRole.class))));
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }
}

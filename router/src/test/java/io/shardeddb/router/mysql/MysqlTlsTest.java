package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Where the router's HTTP port is HTTPS, its MySQL listener is TLS-only with the same certificate:
 * Connector/J verifying the database's CA connects (the SSLRequest, then TLS, then the handshake
 * response and caching_sha2_password), and a client that does not ask for TLS is refused with 3159
 * before any password is checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class MysqlTlsTest {
  MysqlRouterFixture fixture;

  @BeforeAll
  void start() throws Exception {
    fixture = MysqlRouterFixture.startTls();
    DriverManager.setLoginTimeout(10);
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void connectorJVerifiesTheRoutersCertificateAndRunsStatements() throws Exception {
    Path trust = fixture.trustStore("changeit");
    String url =
        fixture.jdbcUrl(
            "sslMode=VERIFY_CA&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=changeit&trustCertificateKeyStoreUrl="
                + trust.toUri());
    try (Connection c = DriverManager.getConnection(url, "sdb", MysqlRouterFixture.DATA_TOKEN);
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (7, 'tls', 1)"))
          .isEqualTo(1);
      try (ResultSet rs = s.executeQuery("SELECT Stud_name FROM students WHERE Stud_id = 7")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("tls");
      }
    }
  }

  @Test
  void aPlainConnectionIsRefused() {
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                        fixture.jdbcUrl("sslMode=DISABLED"), "sdb", MysqlRouterFixture.DATA_TOKEN)
                    .close())
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(3159);
              assertThat(e.getMessage()).contains("TLS");
            });
  }
}

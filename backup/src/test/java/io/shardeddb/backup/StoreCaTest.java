package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store serving HTTPS with a certificate from a private CA (S3Proxy on loopback, its key and
 * chain made with the JDK's keytool): refused with a message naming {@code caSecret} until the
 * client is given the CA ({@code spec.backup.store.caSecret}, {@code SHARDEDDB_BACKUP_CA_FILE});
 * then every call works.
 */
class StoreCaTest {
  private static final String PASSWORD = "changeit";

  @TempDir static Path dir;
  static EmbeddedS3Server server;
  static String caPem;
  static String otherCaPem;

  @BeforeAll
  static void start() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    caPem = ca(keys, "ca");
    otherCaPem = ca(keys, "other-ca");
    Path serverStore = keys.resolve("server.p12");
    keytool(
        keys,
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        serverStore.toString());
    keytool(
        keys,
        "-certreq",
        "-alias",
        "server",
        "-keystore",
        serverStore.toString(),
        "-file",
        "server.csr");
    keytool(
        keys,
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        keys.resolve("ca.p12").toString(),
        "-infile",
        "server.csr",
        "-outfile",
        "server.crt",
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "san=ip:127.0.0.1");
    keytool(
        keys,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        "ca.crt",
        "-keystore",
        serverStore.toString());
    keytool(
        keys,
        "-importcert",
        "-alias",
        "server",
        "-file",
        "server.crt",
        "-keystore",
        serverStore.toString());
    server =
        EmbeddedS3Server.start(
            dir.resolve("data"),
            "127.0.0.1",
            0,
            "test-key",
            "test-secret-key",
            serverStore,
            PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withoutTheCaTheStoreIsRefusedWithAMessageNamingCaSecret() {
    assertThat(server.url()).startsWith("https://127.0.0.1:");
    try (BackupStore store = new BackupStore(server.settings("tls", "p"))) {
      assertThatThrownBy(store::ensureBucket)
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("presented a TLS certificate no trusted CA signed")
          .hasMessageContaining("spec.backup.store.caSecret (key ca.crt)");
    }
  }

  @Test
  void anotherCaDoesNotVerifyItEither() {
    try (BackupStore store = new BackupStore(server.settings("tls", "p").withCa(otherCaPem))) {
      assertThatThrownBy(store::ensureBucket)
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("the CA in spec.backup.store.caSecret did not sign it either");
    }
  }

  @Test
  void withTheCaFromTheEnvironmentsFileEveryCallWorks() throws Exception {
    Path caFile = Files.writeString(dir.resolve("ca.crt"), otherCaPem + caPem);
    StoreSettings settings =
        StoreSettings.fromEnv(
            Map.of(
                StoreSettings.ENV_ENDPOINT, server.url(),
                StoreSettings.ENV_BUCKET, "tls",
                StoreSettings.ENV_ACCESS_KEY_ID, "test-key",
                StoreSettings.ENV_SECRET_ACCESS_KEY, "test-secret-key",
                StoreSettings.ENV_CA_FILE, caFile.toString()));
    assertThat(settings.caPem()).contains("BEGIN CERTIFICATE");

    try (BackupStore store = new BackupStore(settings)) {
      store.ensureBucket();
      store.putBytes("db/x.json", "{\"a\":1}".getBytes());
      assertThat(store.get("db/x.json"))
          .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("{\"a\":1}"));
      assertThat(store.list("db/")).containsExactly("db/x.json");
    }
  }

  @Test
  void aCaThatIsNotPemIsRefusedNamingTheKey(@TempDir Path other) {
    assertThatThrownBy(() -> new BackupStore(server.settings("tls", "p").withCa("not a cert")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the backup store's CA (ca.crt)");
    assertThatThrownBy(
            () ->
                StoreSettings.fromEnv(
                    Map.of(
                        StoreSettings.ENV_BUCKET,
                        "b",
                        StoreSettings.ENV_CA_FILE,
                        other.resolve("missing.crt").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHARDEDDB_BACKUP_CA_FILE=")
        .hasMessageContaining("cannot be read");
  }

  /**
   * A self-signed CA in {@code <name>.p12}; its certificate as PEM (also in {@code <name>.crt}).
   */
  private static String ca(Path keys, String name) throws Exception {
    keytool(
        keys,
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=" + name,
        "-validity",
        "2",
        "-ext",
        "bc:c",
        "-keystore",
        keys.resolve(name + ".p12").toString());
    keytool(
        keys,
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        keys.resolve(name + ".p12").toString(),
        "-file",
        name + ".crt");
    return Files.readString(keys.resolve(name + ".crt"));
  }

  private static void keytool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
  }
}

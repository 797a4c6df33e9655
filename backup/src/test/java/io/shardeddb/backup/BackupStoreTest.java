package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against a real S3 protocol server (S3Proxy, filesystem-backed). */
class BackupStoreTest {
  @TempDir static Path dir;
  static EmbeddedS3Server server;
  static BackupStore store;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "test-key", "test-secret-key");
    store = new BackupStore(server.settings("backups", "team/a"));
    store.ensureBucket();
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  @Test
  void smallObjectsRoundTripAndListUnderThePrefix() {
    store.putBytes("db1/x/one.json", "{\"a\":1}".getBytes());
    store.putBytes("db1/x/two.json", "{\"a\":2}".getBytes());
    assertThat(store.get("db1/x/one.json"))
        .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("{\"a\":1}"));
    assertThat(store.get("db1/x/missing.json")).isEmpty();
    assertThat(store.list("db1/x/")).containsExactly("db1/x/one.json", "db1/x/two.json");
  }

  @Test
  void aStreamLargerThanOnePartIsUploadedInPartsAndReadBackWhole() throws Exception {
    byte[] body = new byte[BackupStore.PART_SIZE * 2 + 12345];
    new Random(7).nextBytes(body);
    long written = store.put("db1/big.bin", new ByteArrayInputStream(body));
    assertThat(written).isEqualTo(body.length);
    try (InputStream in = store.open("db1/big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
  }

  @Test
  void wrongCredentialsAreRefusedWithAClearMessage() {
    try (BackupStore wrong =
        new BackupStore(
            server.settings("backups", "").withCredentials("test-key", "not-the-secret"))) {
      assertThatThrownBy(wrong::check)
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("refused the credentials")
          .satisfies(
              e ->
                  assertThat(((BackupStoreException) e).reason())
                      .isEqualTo(BackupStoreException.Reason.StoreAccessDenied));
    }
  }

  @Test
  void aMissingBucketIsNamed() {
    try (BackupStore missing = new BackupStore(server.settings("no-such-bucket", ""))) {
      assertThatThrownBy(missing::check)
          .isInstanceOf(BackupStoreException.class)
          .hasMessageContaining("no-such-bucket");
    }
  }

  @Test
  void anUnreachableStoreSaysSo() {
    StoreSettings s = new StoreSettings("http://127.0.0.1:1", null, "b", "", true, "k", "s");
    try (BackupStore down = new BackupStore(s)) {
      assertThatThrownBy(down::check)
          .isInstanceOf(BackupStoreException.class)
          .satisfies(
              e ->
                  assertThat(((BackupStoreException) e).reason())
                      .isEqualTo(BackupStoreException.Reason.StoreUnreachable));
    }
  }
}

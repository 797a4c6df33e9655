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
  void anObjectDamagedAtRestIsAnErrorOnEveryReadNeverItsBytes() throws Exception {
    store.putBytes("db1/wal/sh1/seg-1-2.ndjson", "{\"lsn\":1}\n{\"lsn\":2}\n".getBytes());
    // S3Proxy's filesystem store keeps the body as a file: flip one byte of it, as a disk would.
    Path file;
    try (var files = java.nio.file.Files.walk(dir)) {
      file =
          files
              .filter(f -> f.getFileName().toString().equals("seg-1-2.ndjson"))
              .findFirst()
              .orElseThrow();
    }
    byte[] body = java.nio.file.Files.readAllBytes(file);
    body[9] = (byte) '7';
    java.nio.file.Files.write(file, body);

    assertThatThrownBy(() -> store.get("db1/wal/sh1/seg-1-2.ndjson"))
        .isInstanceOf(BackupStoreException.class)
        .hasMessageContaining("does not match the SHA-256 it was stored with")
        .satisfies(
            e ->
                assertThat(((BackupStoreException) e).reason())
                    .isEqualTo(BackupStoreException.Reason.ObjectDamaged));
    assertThatThrownBy(
            () -> {
              try (InputStream in = store.open("db1/wal/sh1/seg-1-2.ndjson")) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("does not match the SHA-256");
  }

  @Test
  void anUndamagedObjectReadsBackWholeThroughTheCheck() throws Exception {
    store.putBytes("db1/wal/sh1/seg-3-4.ndjson", "{\"lsn\":3}\n".getBytes());
    try (InputStream in = store.open("db1/wal/sh1/seg-3-4.ndjson")) {
      assertThat(new String(in.readAllBytes())).isEqualTo("{\"lsn\":3}\n");
    }
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

  /**
   * Server-side encryption (docs/backup.md): every object write — a single put, and the start of a
   * multipart upload — asks the store for it ({@code x-amz-server-side-encryption}, and the KMS key
   * for aws:kms). S3Proxy ignores the header, so the requests are read on the wire through a
   * loopback tap in front of it; the objects still read back whole.
   */
  @Test
  void serverSideEncryptionIsAskedForOnEveryObjectWrite() throws Exception {
    try (WireTap tap =
        new WireTap(java.net.URI.create(server.settings("backups", "").endpoint()))) {
      StoreSettings s = server.settings("backups", "sse");
      StoreSettings viaTap =
          new StoreSettings(
              tap.endpoint(),
              s.region(),
              s.bucket(),
              s.prefix(),
              s.pathStyle(),
              s.accessKeyId(),
              s.secretAccessKey(),
              "aws:kms",
              "alias/backups");
      try (BackupStore sse = new BackupStore(viaTap)) {
        sse.putBytes("db1/small.json", "{}".getBytes());
        byte[] big = new byte[BackupStore.PART_SIZE + 10];
        new Random(3).nextBytes(big);
        sse.put("db1/big.bin", new ByteArrayInputStream(big));
        assertThat(sse.get("db1/small.json")).hasValueSatisfying(b -> assertThat(b).hasSize(2));
        try (InputStream in = sse.open("db1/big.bin")) {
          assertThat(in.readAllBytes()).isEqualTo(big);
        }
      }
      String wire = tap.requests().toLowerCase(java.util.Locale.ROOT);
      // One PUT of the small object, one POST ?uploads starting the multipart upload.
      assertThat(wire.split("x-amz-server-side-encryption: aws:kms", -1)).hasSize(3);
      assertThat(wire.split("x-amz-server-side-encryption-aws-kms-key-id: alias/backups", -1))
          .hasSize(3);
    }
    assertThatThrownBy(
            () -> new StoreSettings(null, null, "b", null, true, "k", "s", "AES128", null))
        .hasMessageContaining("serverSideEncryption must be one of [AES256, aws:kms]");
  }

  /**
   * A TCP relay on loopback that forwards every byte to {@code target} and keeps the request
   * headers it saw (bodies are binary; headers end at the first blank line of each request).
   */
  static final class WireTap implements AutoCloseable {
    private final java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private final java.net.URI target;
    private final StringBuffer seen = new StringBuffer();
    private final java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newCachedThreadPool();

    WireTap(java.net.URI target) throws java.io.IOException {
      this.target = target;
      pool.execute(this::accept);
    }

    String endpoint() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    String requests() {
      return seen.toString();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          java.net.Socket client = socket.accept();
          java.net.Socket server = new java.net.Socket(target.getHost(), target.getPort());
          pool.execute(() -> pipe(client, server, true));
          pool.execute(() -> pipe(server, client, false));
        } catch (java.io.IOException e) {
          return;
        }
      }
    }

    private void pipe(java.net.Socket from, java.net.Socket to, boolean record) {
      byte[] buf = new byte[65536];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          if (record) {
            // Latin-1 keeps every byte one char: the headers are ASCII, bodies come along.
            seen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
          }
          to.getOutputStream().write(buf, 0, n);
          to.getOutputStream().flush();
        }
      } catch (java.io.IOException e) {
        // the other side closed
      } finally {
        try {
          to.shutdownOutput();
        } catch (java.io.IOException ignored) {
          // already closed
        }
      }
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
      pool.shutdownNow();
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

  /**
   * No access key in the settings (spec.backup.store without credentialsSecret): the SDK's default
   * chain finds one, here from its first link, the aws.accessKeyId / aws.secretAccessKey system
   * properties (in a cloud: the web identity token IRSA mounts, EKS Pod Identity, an instance
   * role). A wrong key found that way is refused like any other.
   */
  @Test
  void withoutAnAccessKeyTheSdksDefaultChainIsAsked() {
    StoreSettings noKey = server.settings("backups", "").withCredentials(null, null);
    try {
      System.setProperty("aws.accessKeyId", "test-key");
      System.setProperty("aws.secretAccessKey", "test-secret-key");
      try (BackupStore chained = new BackupStore(noKey)) {
        chained.check();
        chained.putBytes("chain/one.json", "{}".getBytes());
        assertThat(chained.get("chain/one.json"))
            .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("{}"));
      }
      System.setProperty("aws.secretAccessKey", "not-the-secret");
      try (BackupStore wrong = new BackupStore(noKey)) {
        assertThatThrownBy(wrong::check)
            .isInstanceOf(BackupStoreException.class)
            .satisfies(
                e ->
                    assertThat(((BackupStoreException) e).reason())
                        .isEqualTo(BackupStoreException.Reason.StoreAccessDenied));
      }
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  /**
   * IRSA's link of the default chain (a web identity token exchanged at STS) loads the STS module
   * by reflection and is silently skipped when it is missing: a shard pod with IRSA would find no
   * credentials. Red without the sts dependency ("the 'sts' service module must be on the class
   * path").
   */
  @Test
  void theWebIdentityLinkOfTheDefaultChainCanLoadSts() {
    assertThat(
            software.amazon.awssdk.auth.credentials.internal.WebIdentityCredentialsUtils.factory())
        .isNotNull();
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

package io.shardeddb.shardserver.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's access key from the mounted Secret's files ({@code shardeddb.backup.credentials-dir},
 * what the operator sets), or from the settings outside Kubernetes.
 */
class BackupSettingsTest {

  @TempDir Path secret;

  /** The settings a pod gets for bucket b, with this credentials directory (null: none). */
  private static StoreSettings store(Map<String, Object> extra) {
    Object dir = extra.get("shardeddb.backup.credentials-dir");
    return new BackupSettings(
            null,
            null,
            "b",
            null,
            true,
            "env-key",
            "env-secret",
            null,
            null,
            "db",
            null,
            null,
            Duration.ofSeconds(2),
            Duration.ofMinutes(5),
            null,
            null,
            -1,
            -1,
            null,
            -1,
            null,
            -1,
            dir == null ? null : dir.toString(),
            1_000_000,
            Duration.ofSeconds(15),
            (String) extra.get("shardeddb.backup.ca-file"))
        .store();
  }

  @Test
  void theMountedFilesWinOverTheSettingsExactlyAsStored() throws Exception {
    Files.writeString(secret.resolve("accessKeyId"), "file-key");
    Files.writeString(secret.resolve("secretAccessKey"), "file-secret");

    StoreSettings s = store(Map.of("shardeddb.backup.credentials-dir", secret.toString()));

    assertThat(s.accessKeyId()).isEqualTo("file-key");
    assertThat(s.secretAccessKey()).isEqualTo("file-secret");
  }

  @Test
  void withoutADirectoryTheSettingsGiveTheKey() {
    StoreSettings s = store(Map.of());

    assertThat(s.accessKeyId()).isEqualTo("env-key");
    assertThat(s.secretAccessKey()).isEqualTo("env-secret");
  }

  @Test
  void theCaFileGivesTheStoresPrivateCaAndAMissingOneIsNamed() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    Path ca = Files.writeString(secret.resolve("ca.crt"), pem);

    assertThat(store(Map.of("shardeddb.backup.ca-file", ca.toString())).caPem()).isEqualTo(pem);
    assertThat(store(Map.of()).caPem()).isNull();
    assertThatThrownBy(
            () -> store(Map.of("shardeddb.backup.ca-file", secret.resolve("gone").toString())))
        .hasMessageContaining("the backup store's CA")
        .hasMessageContaining(secret.resolve("gone").toString());
  }

  @Test
  void aMissingFileFailsNamingItsPath() throws Exception {
    Files.writeString(secret.resolve("accessKeyId"), "file-key");

    assertThatThrownBy(() -> store(Map.of("shardeddb.backup.credentials-dir", secret.toString())))
        .hasMessageContaining("secretAccessKey")
        .hasMessageContaining(secret.resolve("secretAccessKey").toString());
  }
}

package io.shardeddb.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §9, one owner per archive, against a real S3 protocol server (S3Proxy): the first
 * incarnation claims an empty archive; another incarnation (a database re-created under its name,
 * or the same name in another namespace) and an archive with objects but no marker are refused, and
 * nothing of the refused one is written; a restore reads only its source's archive.
 */
class ArchiveOwnershipTest {
  @TempDir static Path dir;
  static EmbeddedS3Server server;
  static BackupStore store;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "test-key", "test-secret-key");
    store = new BackupStore(server.settings("backups", "team"));
    store.ensureBucket();
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  private static ArchiveOwner incarnation(String db, String uid) {
    return new ArchiveOwner("ns", db, uid, 1_000);
  }

  @Test
  void theFirstIncarnationClaimsAnEmptyArchiveAndAnotherIsRefused() {
    ArchiveClaim first = ArchiveOwnership.claim(store, "orders", incarnation("orders", "uid-1"));
    assertThat(first).isEqualTo(new ArchiveClaim.Owned(incarnation("orders", "uid-1")));
    assertThat(ArchiveOwnership.claim(store, "orders", incarnation("orders", "uid-1")).owned())
        .isTrue();

    ArchiveClaim second = ArchiveOwnership.claim(store, "orders", incarnation("orders", "uid-2"));
    assertThat(second).isInstanceOf(ArchiveClaim.Foreign.class);
    assertThat(second.problem())
        .contains("ns/orders (uid uid-1)")
        .contains("not to this database (uid uid-2)")
        .contains("spec.backup.store.prefix");
    assertThat(
            BackupJson.read(
                store.get(BackupKeys.archiveOwner("orders")).orElseThrow(), ArchiveOwner.class))
        .isEqualTo(incarnation("orders", "uid-1"));
  }

  @Test
  void anArchiveWithObjectsButNoMarkerIsRefusedAndNotClaimed() {
    store.putBytes(BackupKeys.segment("legacy", "sh1", 1, 10), "{}\n".getBytes());
    ArchiveClaim c = ArchiveOwnership.claim(store, "legacy", incarnation("legacy", "uid-9"));
    assertThat(c).isInstanceOf(ArchiveClaim.NotEmpty.class);
    assertThat(c.problem()).contains("no owner marker").contains("uid uid-9");
    assertThat(store.get(BackupKeys.archiveOwner("legacy"))).isEmpty();
  }

  @Test
  void restoreReportsAloneDoNotMakeAnArchiveNonEmpty() {
    store.putBytes("fresh/restore/sh1/r-0.json", "{}".getBytes());
    assertThat(ArchiveOwnership.claim(store, "fresh", incarnation("fresh", "uid-f")).owned())
        .isTrue();
  }

  @Test
  void aConditionalPutNeverReplacesAnObject() {
    assertThat(store.putIfAbsent("cond/owner.json", "a".getBytes())).isTrue();
    assertThat(store.putIfAbsent("cond/owner.json", "b".getBytes())).isFalse();
    assertThat(new String(store.get("cond/owner.json").orElseThrow())).isEqualTo("a");
  }

  /**
   * The planner (and so the CLI and the operator's restore gate) reads only the source's archive:
   * another incarnation's is refused naming its owner, one with no marker is refused, and a gone
   * source's archive is read as its one marked owner's.
   */
  @Test
  void aRestoreReadsOnlyTheSourcesArchive() {
    ShardBaseBackup sh1 = new ShardBaseBackup("sh1", 5, 1, 3, "c", 10, "k", "r", "{}", 1, 2);
    store.putBytes(
        BackupKeys.manifest("items", "b1"),
        BackupJson.write(
            new BackupManifest("b1", "items", 1, 2_000, List.of(sh1), List.of(), null)));
    store.putBytes(
        BackupKeys.archiveState("items", "sh1"),
        BackupJson.write(new ArchiveState("sh1", 9, 1, 4_000, "p")));
    RestoreTarget time = new RestoreTarget.Time(3_000);

    assertThatThrownBy(() -> new BackupCatalog(store, "items", "uid-new").plan(time))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("no owner marker");

    ArchiveOwner old = incarnation("items", "uid-old");
    store.putBytes(BackupKeys.archiveOwner("items"), BackupJson.write(old));
    assertThatThrownBy(() -> new BackupCatalog(store, "items", "uid-new").plan(time))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("ns/items (uid uid-old)")
        .hasMessageContaining("'items' (uid uid-new)");
    assertThat(new BackupCatalog(store, "items", "uid-old").plan(time).summary())
        .contains("from backup b1");
    assertThat(new BackupCatalog(store, "items").owner()).contains(old);
    assertThat(new BackupCatalog(store, "nothing", "uid-x").owner()).isEmpty();
  }
}

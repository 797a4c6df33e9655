package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/backup.md, "One owner per archive": a restore point is written only into the database's own
 * archive; another incarnation's is refused (no shard is paused, nothing is written), and one that
 * nobody has claimed yet is retried.
 */
class RestorePointsOwnerTest {
  @TempDir Path dir;

  @Test
  void aRestorePointIsNeverWrittenIntoAnotherIncarnationsArchive() throws Exception {
    try (EmbeddedS3Server s3 = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "k", "secret-key");
        BackupStore store = new BackupStore(s3.settings("bkt", ""))) {
      store.ensureBucket();
      ShardedDatabase db = new ShardedDatabase();
      db.setMetadata(
          new ObjectMetaBuilder()
              .withName("orders")
              .withNamespace("ns")
              .withUid("uid-new")
              .build());
      RestorePoints points = new RestorePoints(null);

      RestorePoints.Outcome unclaimed = points.take("rp", db, store, Clock.systemUTC());
      assertThat(unclaimed.failure()).isNull();
      assertThat(unclaimed.message()).contains("has archived yet");

      store.putBytes(
          BackupKeys.archiveOwner("orders"),
          BackupJson.write(new ArchiveOwner("ns", "orders", "uid-old", 1)));
      RestorePoints.Outcome foreign = points.take("rp", db, store, Clock.systemUTC());
      assertThat(foreign.lsns()).isNull();
      assertThat(foreign.failure()).contains("uid uid-old").contains("uid-new");
      assertThat(store.get(BackupKeys.restorePoint("orders", "rp"))).isEmpty();
    }
  }
}

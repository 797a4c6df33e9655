package io.shardeddb.shardserver.backup;

import io.micronaut.serde.annotation.Serdeable;

/**
 * What one replica of a restored database restored, written to the store under the new database
 * ({@code <db>/restore/<shard>/<replica>.json}) for {@code kubectl-sdb restore --wait}: the base
 * backup and its verified checksum, the LSN replayed to, and the rows and checksum it ended with.
 */
@Serdeable
public record RestoreReport(
    String shard,
    String replica,
    String source,
    String backup,
    long baseLsn,
    String baseChecksum,
    boolean baseVerified,
    long lsn,
    long rows,
    String checksum,
    long completedAtMillis) {

  public static String key(String db, String shard, String replica) {
    return db + "/restore/" + shard + "/" + replica + ".json";
  }
}

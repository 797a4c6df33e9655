package io.shardeddb.bench;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;

/**
 * The MariaDB server local mode started for its shard-servers, so the baselines use the very same
 * server.
 *
 * @param baseUrl e.g. {@code jdbc:mysql://127.0.0.1:3307/}
 */
record MariaDbServer(String baseUrl, String user, String password) {

  /** The local cluster's database. */
  static MariaDbServer of(EmbeddedMariaDb db) {
    return new MariaDbServer(db.jdbcUrl(), db.user(), db.password());
  }
}

package io.shardeddb.shardserver;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One embedded MariaDB for the whole test JVM (starting one takes seconds); every replica in the
 * tests gets its own database on it, the way local mode shares one server.
 */
final class SharedMariaDb {
  private static final class Holder {
    static final EmbeddedMariaDb DB = start();

    private static EmbeddedMariaDb start() {
      EmbeddedMariaDb db =
          EmbeddedMariaDb.start(Path.of("target", "test-mariadb", UUID.randomUUID().toString()), 0);
      Runtime.getRuntime().addShutdownHook(new Thread(db::close));
      return db;
    }
  }

  private SharedMariaDb() {}

  static EmbeddedMariaDb get() {
    return Holder.DB;
  }
}

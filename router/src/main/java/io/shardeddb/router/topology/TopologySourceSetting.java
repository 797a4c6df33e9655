package io.shardeddb.router.topology;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.shardeddb.router.config.RouterSettings;
import java.util.Set;

/** Stops the router at start when {@code shardeddb.router.topology.source} names no source. */
@Context
public class TopologySourceSetting {
  static final Set<String> SOURCES = Set.of("kubernetes", "file", "standalone");

  public TopologySourceSetting(RouterSettings settings) {
    String source = settings.topology().source();
    if (!SOURCES.contains(source)) {
      throw new ConfigurationException(
          "shardeddb.router.topology.source must be kubernetes, file or standalone, not '"
              + source
              + "'");
    }
  }
}

package io.shardeddb.router.topology;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.annotation.Scheduled;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.config.RouterSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the topology from a JSON file ({@code shardeddb.router.topology.file}) at start and again
 * whenever the file's modification time changes. A file that does not parse is logged and the last
 * good topology kept. The file's own version is ignored: every successful read is the next one.
 */
@Context
@Requires(property = "shardeddb.router.topology.source", value = "file")
public class FileTopologySource {
  private static final Logger LOG = LoggerFactory.getLogger(FileTopologySource.class);

  private final TopologyHolder holder;
  private final JsonMapper json;
  private final Path file;
  private FileTime lastRead;

  public FileTopologySource(TopologyHolder holder, JsonMapper json, RouterSettings settings) {
    this.holder = holder;
    this.json = json;
    this.file = Path.of(settings.topology().file());
    refresh();
  }

  /** Re-reads the file when it changed since the last read. */
  // @Scheduled takes a property expression, not a bean: its default repeats RouterSettings'.
  @Scheduled(fixedDelay = "${shardeddb.router.topology.file-poll:1s}")
  synchronized void refresh() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(lastRead)) {
        return;
      }
      Topology t = json.readValue(Files.readAllBytes(file), Topology.class);
      t.shardMap();
      holder.publish(current -> t);
      lastRead = modified;
      LOG.info("topology read from {}: {} shards", file, t.shards().size());
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot read topology file {}: {}", file, e.getMessage());
    }
  }
}

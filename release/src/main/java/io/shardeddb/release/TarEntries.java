package io.shardeddb.release;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads the entries of an (uncompressed) image archive. */
final class TarEntries {
  private TarEntries() {}

  /** The archive's entries of at most 1 MiB (index, manifests, configs), by name without "./". */
  static Map<String, byte[]> small(Path archive) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (TarArchiveInputStream in = open(archive)) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile() && e.getSize() <= (1 << 20)) {
          out.put(e.getName().replaceFirst("^\\./", ""), in.readAllBytes());
        }
      }
    }
    return out;
  }

  static TarArchiveInputStream open(Path archive) throws IOException {
    return new TarArchiveInputStream(
        new BufferedInputStream(Files.newInputStream(archive), 1 << 16));
  }
}

package io.shardeddb.cli.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a {@link SupportBundle} as a {@code .tar.gz} (a path ending in {@code .tar.gz} or {@code
 * .tgz}, entries under one top directory) or as a new directory (any other path). Never writes over
 * an existing file or into a non-empty directory; files are owner-only (0600), as logs may hold
 * what an operator would not publish.
 */
public final class BundleWriter {
  private BundleWriter() {}

  /** Whether {@code path} names an archive rather than a directory. */
  public static boolean isArchive(Path path) {
    String n = path.getFileName().toString();
    return n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  /** Writes {@code files} to {@code path}; {@code top} is the archive's top directory. */
  public static void write(Map<String, byte[]> files, Path path, String top) throws IOException {
    if (isArchive(path)) {
      writeArchive(files, path, top);
    } else {
      writeDirectory(files, path);
    }
  }

  private static void writeArchive(Map<String, byte[]> files, Path path, String top)
      throws IOException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Date now = Date.from(Instant.now());
    try (OutputStream file = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(top + "/" + f.getKey());
        entry.setSize(f.getValue().length);
        entry.setMode(0100600);
        entry.setModTime(now);
        tar.putArchiveEntry(entry);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    restrict(path);
  }

  private static void writeDirectory(Map<String, byte[]> files, Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var list = Files.list(dir)) {
        if (!Files.isDirectory(dir) || list.findAny().isPresent()) {
          throw new IOException(dir + " exists and is not an empty directory");
        }
      }
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path target = dir.resolve(f.getKey()).normalize();
      if (!target.startsWith(dir.normalize())) {
        throw new IOException("refusing to write outside " + dir + ": " + f.getKey());
      }
      Files.createDirectories(target.getParent());
      Files.write(target, f.getValue(), StandardOpenOption.CREATE_NEW);
      restrict(target);
    }
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system (Windows): the user's default permissions apply.
    }
  }
}

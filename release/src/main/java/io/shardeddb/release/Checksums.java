package io.shardeddb.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 sums, as {@code sha256sum} writes and {@code sha256sum -c} checks them. */
public final class Checksums {
  private Checksums() {}

  /** The file's SHA-256, hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The SHA256SUMS text of every file below dir (except a SHA256SUMS itself), paths relative to dir
   * with '/' separators, sorted: {@code <hex> <path>} a line.
   */
  public static String sums(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files =
          all.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().equals("SHA256SUMS"))
              .sorted()
              .toList();
    }
    StringBuilder out = new StringBuilder();
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
      out.append(sha256(f)).append("  ").append(rel).append('\n');
    }
    return out.toString();
  }
}

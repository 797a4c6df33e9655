package io.shardeddb.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files that hold credentials (tokens, kubeconfigs) readable by their owner only, from the
 * moment they exist: a temporary file created with mode 0600 in the same directory, then moved over
 * the target, so no other user ever reads a token through a default umask, and an existing file
 * with a wider mode is replaced, not reused.
 */
public final class OwnerOnlyFiles {
  private OwnerOnlyFiles() {}

  /** Writes {@code text} to {@code target} with mode 0600. */
  public static void write(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp =
        Files.createTempFile(
            dir,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

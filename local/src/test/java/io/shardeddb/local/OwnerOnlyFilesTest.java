package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files holding tokens are owner-only from creation, also when they replace a wider file. */
class OwnerOnlyFilesTest {

  @Test
  void aNewFileAndAReplacedWorldReadableFileAreBothOwnerOnly(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("info.json");
    OwnerOnlyFiles.write(info, "{\"token\":\"a\"}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(info)))
        .isEqualTo("rw-------");

    Files.setPosixFilePermissions(info, PosixFilePermissions.fromString("rw-r--r--"));
    OwnerOnlyFiles.write(info, "{\"token\":\"b\"}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(info)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(info)).isEqualTo("{\"token\":\"b\"}");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(info);
    }
  }
}

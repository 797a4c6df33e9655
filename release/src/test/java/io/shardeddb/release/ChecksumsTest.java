package io.shardeddb.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {

  @Test
  void sumsListEveryFileBelowTheFolderAsSha256sumWritesThem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.txt"), "abc");
    Files.createDirectories(dir.resolve("a"));
    Files.writeString(dir.resolve("a/x.txt"), "");
    Files.writeString(dir.resolve("SHA256SUMS"), "old");

    assertThat(Checksums.sums(dir))
        .isEqualTo(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a/x.txt\n"
                + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  b.txt\n");
  }
}

package io.shardeddb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSourceTest {

  @TempDir Path dir;

  @Test
  void everyFileIsAcceptedAndTheTokenFileIsSent() throws Exception {
    Files.writeString(dir.resolve("token"), "new\n");
    Files.writeString(dir.resolve("previous"), "old");
    Files.writeString(dir.resolve("..data"), "kubelet-internal");

    ShardCredentials c = CredentialSource.directory(dir).get();

    assertThat(c.current()).isEqualTo("new");
    assertThat(c.accepted()).containsExactlyInAnyOrder("new", "old");
    assertThat(c.authorization()).isEqualTo("Bearer new");
    assertThat(c.accepts("Bearer new")).isTrue();
    assertThat(c.accepts("Bearer old")).isTrue();
    assertThat(c.accepts("Bearer kubelet-internal")).isFalse();
    assertThat(c.accepts("Bearer ne")).isFalse();
    assertThat(c.accepts("new")).isFalse();
    assertThat(c.accepts(null)).isFalse();
  }

  @Test
  void aChangedDirectoryIsReadAgainAfterTheRefreshPeriod() throws Exception {
    AtomicLong now = new AtomicLong();
    Files.writeString(dir.resolve("token"), "one");
    CredentialSource source = CredentialSource.directory(dir, Duration.ofSeconds(2), now::get);

    Files.writeString(dir.resolve("token"), "two");
    Files.writeString(dir.resolve("previous"), "one");
    assertThat(source.get().current()).isEqualTo("one");

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(source.get().current()).isEqualTo("two");
    assertThat(source.get().accepts("Bearer one")).isTrue();

    Files.delete(dir.resolve("previous"));
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(source.get().accepts("Bearer one")).isFalse();
    assertThat(source.get().accepts("Bearer two")).isTrue();
  }

  @Test
  void aDirectoryThatLosesItsTokenKeepsTheLastGoodCredentials() throws Exception {
    AtomicLong now = new AtomicLong();
    Files.writeString(dir.resolve("token"), "one");
    CredentialSource source = CredentialSource.directory(dir, Duration.ofSeconds(1), now::get);

    Files.delete(dir.resolve("token"));
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    assertThat(source.get().current()).isEqualTo("one");
  }

  @Test
  void aDirectoryWithoutTokenFailsAtStart() throws Exception {
    Files.writeString(dir.resolve("other"), "x");
    assertThatThrownBy(() -> CredentialSource.directory(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token");
  }
}

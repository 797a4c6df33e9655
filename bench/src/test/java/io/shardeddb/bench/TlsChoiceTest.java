package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --tls both}: one invocation deploys each configuration with TLS on, then off. */
class TlsChoiceTest {

  private static BenchMain parsed(String... args) {
    BenchMain bench = new BenchMain();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void bothRunsEachConfigurationWithTlsOnThenOffUnderTheirOwnNames() {
    assertThat(TlsChoice.parse("both").states()).containsExactly(true, false);
    assertThat(TlsChoice.parse("on").states()).containsExactly(true);
    assertThat(TlsChoice.parse("OFF").states()).containsExactly(false);
    assertThat(TlsChoice.targetSuffix(true)).isEqualTo(" tls-on");
    assertThat(TlsChoice.targetSuffix(false)).isEqualTo(" tls-off");
    assertThat(TlsChoice.namePrefix("bench-", true)).isEqualTo("bench-");
    assertThat(TlsChoice.namePrefix("bench-", false)).isEqualTo("bench-notls-");
    assertThat(TlsChoice.BOTH.single()).as("the sweeps run as shipped").isTrue();
    assertThat(TlsChoice.OFF.single()).isFalse();
    assertThatThrownBy(() -> TlsChoice.parse("maybe"))
        .hasMessageContaining("--tls must be on, off or both");
  }

  @Test
  void theTlsOffDatabaseSwitchesTlsOffAndTheTlsOnOneKeepsTheDefault() {
    BenchMain bench = parsed("--tls", "both");
    ShardedDatabase on =
        Serialization.unmarshal(
            bench.database("bench-", 4, 3, 1000, true).render(), ShardedDatabase.class);
    ShardedDatabase off =
        Serialization.unmarshal(
            bench.database("bench-", 4, 3, 1000, false).render(), ShardedDatabase.class);

    assertThat(on.getMetadata().getName()).isEqualTo("bench-4x3");
    assertThat(on.getSpec().tls()).isNull();
    assertThat(off.getMetadata().getName()).isEqualTo("bench-notls-4x3");
    assertThat(off.getSpec().tls().enabledOrDefault()).isFalse();
  }

  @Test
  void theAnalysisDeploysEachConfigurationOnceSoBothIsAUsageErrorThere() {
    BenchMain bench = parsed("--analysis", "--tls", "both");
    assertThatThrownBy(() -> bench.database("analysis-", 4, 3, 1000))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--tls both");
  }
}

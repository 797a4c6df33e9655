package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One trim of the log ({@link LogTrimmer#trimOnce}), the step production and the simulator run. */
class LogTrimmerTest {

  @Test
  @DisplayName(
      "a trim keeps the retention behind the applied LSN, stops at the archive's floor and never"
          + " moves the log's start back")
  void oneTrim() {
    try (SystemReplicaClock clock = new SystemReplicaClock()) {
      ReplicaContext ctx = new ReplicaContext(new ServerSettings("r0"), clock);
      ctx.advance(100, 2);
      List<Long> trimmed = new ArrayList<>();
      LongUnaryOperator trimLog =
          lsn -> {
            trimmed.add(lsn);
            return 2;
          };
      Rulebook rules = new Rulebook();

      assertThat(LogTrimmer.trimOnce(ctx, rules, 30, (applied, now) -> Long.MAX_VALUE, 0, trimLog))
          .isEqualTo(70);
      assertThat(ctx.logStartEpoch()).isEqualTo(2);
      ctx.advance(150, 2);
      assertThat(LogTrimmer.trimOnce(ctx, rules, 30, (applied, now) -> 90, 0, trimLog))
          .as("held back by the floor")
          .isEqualTo(90);
      assertThat(LogTrimmer.trimOnce(ctx, rules, 30, (applied, now) -> 50, 0, trimLog))
          .as("a floor below the log's start trims nothing")
          .isEqualTo(90);
      assertThat(trimmed).containsExactly(70L, 90L);
    }
  }
}

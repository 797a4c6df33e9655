package io.shardeddb.protocol.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.time.TimestampOracle.Granted;
import io.shardeddb.protocol.time.TimestampOracle.NeedsWindow;
import org.junit.jupiter.api.Test;

class GlobalTimestampTest {

  private static final long NOW = 1_795_000_000_000L; // 2026-11-18

  @Test
  void aTimestampReadsBackItsMillisecondAndOrdersByMillisecondThenSlot() {
    long a = GlobalTimestamp.of(NOW, 0);
    long b = GlobalTimestamp.of(NOW, 511);
    long c = GlobalTimestamp.of(NOW + 1, 0);
    assertThat(GlobalTimestamp.millis(a)).isEqualTo(NOW);
    assertThat(GlobalTimestamp.millis(b + GlobalTimestamp.SLOT - 1)).isEqualTo(NOW);
    assertThat(a).isLessThan(b).isLessThan(c).isPositive();
    assertThat(GlobalTimestamp.atMillis(NOW + 1)).isEqualTo(c);
    assertThatThrownBy(() -> GlobalTimestamp.of(NOW, 512))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEntryTakesItsOwnSlotWhenAboveTheLogElseABumpThatNeverLeavesTheLastSlot() {
    long slot7 = GlobalTimestamp.of(NOW, 7);
    long slot9 = GlobalTimestamp.of(NOW, 9);
    assertThat(GlobalTimestamp.forEntry(slot9, slot7)).isEqualTo(slot9);
    // A write holding slot 7 arrives after one holding slot 9 (two routers): slot 9, bumped.
    assertThat(GlobalTimestamp.forEntry(slot7, slot9)).isEqualTo(slot9 + 1);
    assertThat(GlobalTimestamp.forEntry(GlobalTimestamp.NONE, slot9 + 1)).isEqualTo(slot9 + 2);
    // The bump is below any slot the oracle can hand out later.
    assertThat(GlobalTimestamp.forEntry(slot7, slot9 + 5)).isLessThan(GlobalTimestamp.of(NOW, 10));
    long full = slot9 + GlobalTimestamp.BUMPS_PER_SLOT - 1;
    assertThat(GlobalTimestamp.bumpsLeft(slot9)).isEqualTo(GlobalTimestamp.BUMPS_PER_SLOT - 1);
    assertThat(GlobalTimestamp.bumpsLeft(full)).isZero();
    // An empty log: the first no-op takes the bump of slot 0.
    assertThat(GlobalTimestamp.forEntry(GlobalTimestamp.NONE, GlobalTimestamp.NONE)).isEqualTo(1);
  }

  @Test
  void theOracleHandsOutNothingBeforeItsWindowIsPersistedAndNothingTwice() {
    TimestampOracle oracle = TimestampOracle.startingAt(0);
    assertThat(oracle.allocate(3, NOW)).isEqualTo(new NeedsWindow(NOW + 3_000));
    oracle.windowPersisted(NOW + 3_000);
    Granted first = (Granted) oracle.allocate(3, NOW);
    Granted second = (Granted) oracle.allocate(1, NOW);
    assertThat(first.first()).isEqualTo(GlobalTimestamp.of(NOW, 0));
    assertThat(second.first()).isEqualTo(GlobalTimestamp.of(NOW, 3));
    // The wall clock going back does not take the oracle back.
    Granted third = (Granted) oracle.allocate(1, NOW - 500);
    assertThat(third.first()).isEqualTo(GlobalTimestamp.of(NOW, 4));
    // A millisecond used up: the oracle's clock runs ahead, inside its window.
    Granted big = (Granted) oracle.allocate(TimestampOracle.MAX_COUNT, NOW);
    assertThat(big.first()).isEqualTo(GlobalTimestamp.of(NOW + 1, 0));
    // At the window's end: a new window first.
    assertThat(oracle.allocate(1, NOW + 3_000)).isEqualTo(new NeedsWindow(NOW + 6_000));
  }

  @Test
  void aNewPrimaryStartsAboveEverythingTheOneBeforeHandedOutEvenWithItsClockBehind() {
    TimestampOracle old = TimestampOracle.startingAt(0);
    old.windowPersisted(NOW + 3_000);
    long handedOut = 0;
    for (long t = NOW; t < NOW + 3_000; t += 250) {
      handedOut = ((Granted) old.allocate(5, t)).first() + 4 * GlobalTimestamp.SLOT;
    }
    // The new primary's clock is 20 s behind; it starts from the window the log holds.
    TimestampOracle next = TimestampOracle.startingAt(old.until());
    long behind = NOW - 20_000;
    assertThat(next.allocate(1, behind)).isInstanceOf(NeedsWindow.class);
    NeedsWindow w = (NeedsWindow) next.allocate(1, behind);
    next.windowPersisted(w.until());
    assertThat(((Granted) next.allocate(1, behind)).first()).isGreaterThan(handedOut);
  }
}

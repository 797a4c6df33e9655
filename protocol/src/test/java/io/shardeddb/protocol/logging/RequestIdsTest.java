package io.shardeddb.protocol.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The request id a shard-server logs a router's write under ({@link RequestIds#enter}): taken only
 * when it is an id {@link RequestIds#accept} would take, and put back as it was afterwards.
 */
class RequestIdsTest {

  @AfterEach
  void clean() {
    MDC.remove(RequestIds.MDC_KEY);
  }

  @Test
  void theAllocationFreeCheckAcceptsExactlyWhatTheHeaderRuleAccepts() {
    Pattern header = Pattern.compile("[A-Za-z0-9._:/@+=-]{1,128}");
    List<String> samples =
        List.of(
            "order-17",
            "1c32c940-8006-4787-8666-a8fa2b46099b",
            "a.b_c:d/e@f+g=h-i",
            "Z9",
            "x".repeat(128),
            "x".repeat(129),
            "",
            "a b",
            "line\nINFO forged",
            "quote\"",
            "tab\t",
            "ünïcode",
            "semi;colon",
            "{json}");
    for (String s : samples) {
      assertThat(RequestIds.acceptable(s)).as(s).isEqualTo(header.matcher(s).matches());
    }
    assertThat(RequestIds.acceptable(null)).isFalse();
  }

  @Test
  void enterSetsTheIdAndRestorePutsBackTheOneBefore() {
    String none = RequestIds.enter("order-17");
    assertThat(none).isNull();
    assertThat(RequestIds.current()).isEqualTo("order-17");
    RequestIds.restore(none);
    assertThat(MDC.get(RequestIds.MDC_KEY)).isNull();

    MDC.put(RequestIds.MDC_KEY, "served-1");
    String before = RequestIds.enter("order-18");
    assertThat(RequestIds.current()).isEqualTo("order-18");
    RequestIds.restore(before);
    assertThat(RequestIds.current()).isEqualTo("served-1");
  }

  @Test
  void anUnacceptableIdChangesNothing() {
    MDC.put(RequestIds.MDC_KEY, "served-2");
    String before = RequestIds.enter("a b\nINFO forged");
    assertThat(RequestIds.current()).isEqualTo("served-2");
    RequestIds.restore(before);
    assertThat(RequestIds.current()).isEqualTo("served-2");
    MDC.remove(RequestIds.MDC_KEY);
    RequestIds.restore(RequestIds.enter(null));
    assertThat(RequestIds.current()).isNull();
  }

  @Test
  void aTimeOrderedIdIsAVersion7UuidWhoseTextSortsByItsMillisecond() {
    UUID earlier = RequestIds.timeOrdered(1_764_000_000_000L, -1L, -1L);
    UUID later = RequestIds.timeOrdered(1_764_000_000_001L, 0L, 0L);
    assertThat(earlier.version()).isEqualTo(7);
    assertThat(earlier.variant()).isEqualTo(2);
    assertThat(later.version()).isEqualTo(7);
    assertThat(later.variant()).isEqualTo(2);
    assertThat(earlier.getMostSignificantBits() >>> 16).isEqualTo(1_764_000_000_000L);
    assertThat(earlier.toString()).isLessThan(later.toString());
    assertThat(earlier.toString()).startsWith("019ab");
  }

  @Test
  void freshTimeOrderedIdsAreDistinctAcceptableAndNeverSortBeforeAnEarlierMillisecond() {
    Set<String> seen = new HashSet<>();
    String previous = null;
    for (int i = 0; i < 20_000; i++) {
      String id = RequestIds.timeOrdered();
      assertThat(RequestIds.acceptable(id)).as(id).isTrue();
      assertThat(seen.add(id)).as("duplicate %s", id).isTrue();
      if (previous != null) {
        // the first 12 hex digits (the millisecond) never go back
        assertThat(id.substring(0, 13).compareTo(previous.substring(0, 13)))
            .as("%s after %s", id, previous)
            .isGreaterThanOrEqualTo(0);
      }
      previous = id;
    }
  }
}

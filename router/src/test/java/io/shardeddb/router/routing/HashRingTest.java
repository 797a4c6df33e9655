package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The consistent-hash ring spreads requests over replicas and skips unusable ones. */
class HashRingTest {
  final HashRing<String> ring = new HashRing<>(List.of("r0", "r1", "r2"), Function.identity());

  @Test
  void requestsSpreadOverEveryReplica() {
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      hits.merge(ring.candidates(HashRing.hash("req" + i), r -> true).get(0), 1, Integer::sum);
    }
    assertThat(hits).containsOnlyKeys("r0", "r1", "r2");
    assertThat(hits.values()).allSatisfy(n -> assertThat(n).isBetween(600, 1400));
  }

  @Test
  void candidatesListEveryUsableReplicaOnceStartingWithTheChoice() {
    long h = HashRing.hash("some request");
    List<String> all = ring.candidates(h, r -> true);
    assertThat(all).containsExactlyInAnyOrder("r0", "r1", "r2");
    List<String> withoutFirst = ring.candidates(h, r -> !r.equals(all.get(0)));
    assertThat(withoutFirst).containsExactlyElementsOf(all.subList(1, 3));
  }

  @Test
  void anEmptyRingHasNoCandidates() {
    assertThat(new HashRing<String>(List.of(), Function.identity()).candidates(1, r -> true))
        .isEmpty();
  }
}

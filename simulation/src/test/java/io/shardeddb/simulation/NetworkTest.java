package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NetworkTest {

  private static List<String> run(long seed) {
    Scheduler s = new Scheduler(seed);
    Network n = new Network(s);
    n.faults(new Network.Faults(0.2, 0.2, 1, 50));
    List<String> got = new ArrayList<>();
    n.attach("a", (from, m) -> got.add(s.now() + ":" + from + ">a:" + m));
    n.attach("b", (from, m) -> got.add(s.now() + ":" + from + ">b:" + m));
    for (int i = 0; i < 200; i++) {
      n.send(i % 2 == 0 ? "a" : "b", i % 2 == 0 ? "b" : "a", i);
    }
    s.runUntil(1_000);
    return got;
  }

  @Test
  @DisplayName("the same seed gives the same deliveries in the same order; another seed differs")
  void sameSeedSameSchedule() {
    assertThat(run(42)).isEqualTo(run(42)).isNotEqualTo(run(43));
  }

  @Test
  @DisplayName("messages are lost, duplicated and reordered at the configured rates")
  void faultsHappen() {
    List<String> got = run(7);
    assertThat(got.size()).isBetween(120, 230).isNotEqualTo(200);
    List<Integer> payloads =
        got.stream().map(x -> Integer.parseInt(x.substring(x.lastIndexOf(':') + 1))).toList();
    assertThat(payloads).isNotEqualTo(payloads.stream().sorted().toList());
  }

  @Test
  @DisplayName("a partition drops everything both ways until healed; a paused node gets it later")
  void partitionsAndPauses() {
    Scheduler s = new Scheduler(1);
    Network n = new Network(s);
    List<String> got = new ArrayList<>();
    n.attach("a", (from, m) -> got.add("a:" + m));
    n.attach("b", (from, m) -> got.add("b@" + s.now() + ":" + m));
    n.partition("a", "b");
    n.send("a", "b", 1);
    n.send("b", "a", 2);
    s.runUntil(10);
    assertThat(got).isEmpty();
    n.healAll();
    n.liveness("b", Network.Liveness.PAUSED);
    n.send("a", "b", 3);
    s.runUntil(100);
    assertThat(got).isEmpty();
    n.liveness("b", Network.Liveness.UP);
    s.runUntil(200);
    assertThat(got).singleElement().asString().startsWith("b@").endsWith(":3");
  }
}

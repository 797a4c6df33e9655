package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coalescing rules: what goes out when, alone or together, and that the queue drains. */
class CoalesceQueueTest {

  @Test
  void aLoneCallGoesOutAloneAtOnce() {
    CoalesceQueue<String> q = new CoalesceQueue<>(64, 1);

    assertThat(q.offer("a")).containsExactly(new CoalesceQueue.Send<>(List.of("a")));
    assertThat(q.offer("a").isEmpty()).isTrue();
    assertThat(q.done()).containsExactly(new CoalesceQueue.Send<>(List.of("a")));
    assertThat(q.done()).isEmpty();
    assertThat(q.idle()).isTrue();
  }

  @Test
  void callsArrivingWhileOneIsInFlightGoTogetherWhenItReturns() {
    CoalesceQueue<String> q = new CoalesceQueue<>(64, 1);
    q.offer("a");

    assertThat(q.offer("b")).isEmpty();
    assertThat(q.offer("c")).isEmpty();
    assertThat(q.offer("d")).isEmpty();
    assertThat(q.waiting()).isEqualTo(3);

    List<CoalesceQueue.Send<String>> next = q.done();
    assertThat(next).containsExactly(new CoalesceQueue.Send<>(List.of("b", "c", "d")));
    assertThat(next.get(0).alone()).isFalse();
    assertThat(q.inFlight()).isEqualTo(1);
    assertThat(q.done()).isEmpty();
    assertThat(q.idle()).isTrue();
  }

  @Test
  void aFullBatchGoesAtOnceSoNoMoreThanABatchEverWaits() {
    CoalesceQueue<Integer> q = new CoalesceQueue<>(3, 1);
    q.offer(0);
    assertThat(q.offer(1)).isEmpty();
    assertThat(q.offer(2)).isEmpty();

    assertThat(q.offer(3)).containsExactly(new CoalesceQueue.Send<>(List.of(1, 2, 3)));
    assertThat(q.waiting()).isZero();
    assertThat(q.inFlight()).isEqualTo(2);
    assertThat(q.offer(4)).isEmpty();
    // The first return starts nothing: one is still in flight, the limit.
    assertThat(q.done()).isEmpty();
    assertThat(q.done()).containsExactly(new CoalesceQueue.Send<>(List.of(4)));
  }

  @Test
  void twoInFlightLetsASecondCallGoAloneBeforeBatching() {
    CoalesceQueue<String> q = new CoalesceQueue<>(64, 2);
    assertThat(q.offer("a")).hasSize(1);
    assertThat(q.offer("b")).containsExactly(new CoalesceQueue.Send<>(List.of("b")));
    assertThat(q.offer("c")).isEmpty();
    assertThat(q.offer("d")).isEmpty();
    assertThat(q.done()).containsExactly(new CoalesceQueue.Send<>(List.of("c", "d")));
  }

  @Test
  void aWithdrawnCallIsNeverSentAndOneAlreadySentCannotBeWithdrawn() {
    CoalesceQueue<String> q = new CoalesceQueue<>(64, 1);
    q.offer("a");
    q.offer("b");
    q.offer("c");

    assertThat(q.withdraw("a")).isFalse();
    assertThat(q.withdraw("b")).isTrue();
    assertThat(q.done()).containsExactly(new CoalesceQueue.Send<>(List.of("c")));
  }

  @Test
  void everyOfferedCallIsSentExactlyOnceInArrivalOrderWhateverTheInterleaving() {
    // A seeded schedule of arrivals and returns; at the end every request returns.
    java.util.Random random = new java.util.Random(42);
    for (int maxInFlight = 1; maxInFlight <= 3; maxInFlight++) {
      CoalesceQueue<Integer> q = new CoalesceQueue<>(5, maxInFlight);
      List<Integer> sent = new ArrayList<>();
      int next = 0;
      int open = 0;
      for (int step = 0; step < 2000; step++) {
        List<CoalesceQueue.Send<Integer>> sends;
        if (open > 0 && random.nextInt(3) == 0) {
          open--;
          sends = q.done();
        } else {
          sends = q.offer(next++);
        }
        for (CoalesceQueue.Send<Integer> s : sends) {
          assertThat(s.items()).hasSizeBetween(1, 5);
          sent.addAll(s.items());
          open++;
        }
        assertThat(q.waiting()).isLessThan(5);
        assertThat(q.inFlight()).isEqualTo(open);
      }
      while (open > 0) {
        open--;
        for (CoalesceQueue.Send<Integer> s : q.done()) {
          sent.addAll(s.items());
          open++;
        }
      }
      assertThat(q.idle()).isTrue();
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < next; i++) {
        all.add(i);
      }
      assertThat(sent).isEqualTo(all);
    }
  }

  @Test
  void whenARequestGotNoAnswerTheCallsWaitingBehindItAreGivenBackUnsent() {
    CoalesceQueue<String> q = new CoalesceQueue<>(64, 1);
    q.offer("a");
    q.offer("b");
    q.offer("c");

    assertThat(q.doneUnanswered()).containsExactly("b", "c");
    assertThat(q.idle()).isTrue();
    // The next call is sent again as usual (the replica may be back).
    assertThat(q.offer("d")).containsExactly(new CoalesceQueue.Send<>(List.of("d")));
  }

  @Test
  void doneWithoutARequestInFlightIsABug() {
    assertThatThrownBy(() -> new CoalesceQueue<String>(64, 1).done())
        .isInstanceOf(IllegalStateException.class);
  }
}

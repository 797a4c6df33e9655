package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The coalescer's bookkeeping over an in-memory transport whose requests the test completes. */
class CoalescerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Records each request; the test ends it through its sink. */
  static final class Transport implements Coalescer.Transport<String, String> {
    final List<List<String>> sent = new CopyOnWriteArrayList<>();
    final List<Sinks.One<Object>> open = new CopyOnWriteArrayList<>();
    volatile RuntimeException throwOnBuild;

    @Override
    public Mono<String> one(String url, String owned, String request) {
      return send(List.of(request)).map(String.class::cast);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<List<BatchReplies.Outcome<String>>> batch(
        String url, String owned, List<String> requests) {
      return send(requests).map(o -> (List<BatchReplies.Outcome<String>>) o);
    }

    private Mono<Object> send(List<String> items) {
      RuntimeException e = throwOnBuild;
      if (e != null) {
        throwOnBuild = null;
        throw e;
      }
      sent.add(items);
      Sinks.One<Object> sink = Sinks.one();
      open.add(sink);
      return sink.asMono();
    }
  }

  final Transport transport = new Transport();
  final DistributionSummary items =
      DistributionSummary.builder("items").register(new SimpleMeterRegistry());
  final Coalescer<String, String> coalescer =
      new Coalescer<>(transport, 64, 1, new BatchSupport(1_000_000_000L), () -> 0L, items);

  CompletableFuture<String> call(String request) {
    return coalescer.call("http://a", "0+10", request).toFuture();
  }

  @Test
  void aRequestThatFailsWhileBeingBuiltFailsItsCallerAndTheQueueGoesOn() {
    transport.throwOnBuild = new IllegalStateException("credential file unreadable");
    CompletableFuture<String> first = call("a");
    assertThat(first).failsWithin(WAIT).withThrowableThat().withMessageContaining("unreadable");

    CompletableFuture<String> second = call("b");
    assertThat(transport.sent).containsExactly(List.of("b"));
    transport.open.get(0).tryEmitValue("ok b");
    assertThat(second).succeedsWithin(WAIT).isEqualTo("ok b");
  }

  @Test
  void itemsOfABatchGetTheirOwnOutcomesAndTheQueueDrains() {
    CompletableFuture<String> a = call("a");
    CompletableFuture<String> b = call("b");
    CompletableFuture<String> c = call("c");
    assertThat(transport.sent).containsExactly(List.of("a"));

    transport.open.get(0).tryEmitValue("ok a");
    assertThat(a).succeedsWithin(WAIT).isEqualTo("ok a");
    assertThat(transport.sent).containsExactly(List.of("a"), List.of("b", "c"));
    List<BatchReplies.Outcome<String>> outcomes = new ArrayList<>();
    outcomes.add(BatchReplies.Outcome.ok("ok b"));
    outcomes.add(BatchReplies.Outcome.failed(new ShardServerException("http://a", 409, "dup")));
    transport.open.get(1).tryEmitValue(outcomes);

    assertThat(b).succeedsWithin(WAIT).isEqualTo("ok b");
    assertThat(c).failsWithin(WAIT).withThrowableThat().withMessageContaining("dup");
    assertThat(coalescer.waiting("http://a")).isZero();
    // Idle again: the next call goes alone at once.
    call("d");
    assertThat(transport.sent).hasSize(3).last().isEqualTo(List.of("d"));
    assertThat(items.count()).isEqualTo(3);
  }
}

package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Rule 13 at the door, as the controllers and the simulator's replica ask it: a routed change of a
 * range this shard does not own (or under another layout) is 421 unless it is a retry recorded
 * here; a batch gets one 421 unless a retry is among its items.
 */
class OwnershipTest {
  private static final ShardConfig OWNS_0_TO_100 =
      new ShardConfig(
              "sh1",
              new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number))),
              0L,
              100L)
          .withOwned(List.of(new PointRange(0, 100)));

  /** What this shard's layout says, and another layout's. */
  private static final String MINE = "0+100";

  private static final String OTHER = "0+50";

  private final List<Collection<String>> lookups = new ArrayList<>();

  /** A store whose recorded request ids are {@code recorded}; it counts the lookups. */
  private ReplicaStore recording(String... recorded) {
    Set<String> ids = Set.of(recorded);
    return (ReplicaStore)
        Proxy.newProxyInstance(
            ReplicaStore.class.getClassLoader(),
            new Class<?>[] {ReplicaStore.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("recordedAmong")) {
                throw new UnsupportedOperationException(method.getName());
              }
              @SuppressWarnings("unchecked")
              Collection<String> asked = (Collection<String>) args[0];
              lookups.add(List.copyOf(asked));
              return asked.stream().filter(ids::contains).collect(Collectors.toSet());
            });
  }

  private static int statusOf(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (ShardException e) {
      return e.status();
    }
  }

  @Test
  void anOwnedChangeUnderThisShardsLayoutPasses() {
    Ownership o = new Ownership(recording(), new Rulebook());
    assertThatCode(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, MINE, "r1", List.of(7L)))
        .doesNotThrowAnyException();
    assertThat(o.itemsExpectation(OWNS_0_TO_100, MINE, List.of("r1"))).isNull();
  }

  @Test
  void aChangeUnderAnotherLayoutOrOfAKeyNotOwnedIs421NamingTheLayout() {
    Ownership o = new Ownership(recording(), new Rulebook());
    assertThatThrownBy(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, OTHER, "r1", List.of(7L)))
        .isInstanceOf(ShardException.class)
        .hasMessageContaining("re-read the topology")
        .extracting(e -> ((ShardException) e).status())
        .isEqualTo(ShardEndpoints.NOT_OWNED);
    assertThat(statusOf(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, null, "r1", List.of(700L))))
        .isEqualTo(ShardEndpoints.NOT_OWNED);
  }

  @Test
  void aRetryRecordedHereIsRecognisedBeforeOwnership() {
    Ownership o = new Ownership(recording("r1"), new Rulebook());
    assertThatCode(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, OTHER, "r1", List.of(700L)))
        .doesNotThrowAnyException();
    assertThat(statusOf(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, OTHER, "r2", List.of(7L))))
        .isEqualTo(ShardEndpoints.NOT_OWNED);
  }

  @Test
  void aBatchUnderAnotherLayoutIsOne421UnlessARetryIsAmongItsItemsAskedInOneLookup() {
    Ownership o = new Ownership(recording("r2"), new Rulebook());
    assertThat(statusOf(() -> o.itemsExpectation(OWNS_0_TO_100, OTHER, List.of("r1", "r3"))))
        .isEqualTo(ShardEndpoints.NOT_OWNED);
    lookups.clear();
    assertThat(o.itemsExpectation(OWNS_0_TO_100, OTHER, Arrays.asList("r1", null, "r2")))
        .isEqualTo(OTHER);
    assertThat(lookups).containsExactly(List.of("r1", "r2"));
  }

  @Test
  void withDedupAfterOwnershipARetryIsRefusedLikeAnyOtherChange() {
    Rulebook broken =
        new Rulebook() {
          @Override
          public boolean dedupBeforeOwnership() {
            return false;
          }
        };
    Ownership o = new Ownership(recording("r1"), broken);
    assertThat(statusOf(() -> o.requireOwnedUnlessRetry(OWNS_0_TO_100, OTHER, "r1", List.of(7L))))
        .isEqualTo(ShardEndpoints.NOT_OWNED);
    assertThat(statusOf(() -> o.itemsExpectation(OWNS_0_TO_100, OTHER, List.of("r1"))))
        .isEqualTo(ShardEndpoints.NOT_OWNED);
  }
}

package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A standalone router's pushed replica URLs must be addresses of its configured pool. */
class TopologyRulesAddressTest {
  static Topology on(String... urls) {
    List<Replica> replicas =
        IntStream.range(0, urls.length)
            .mapToObj(i -> new Replica("r" + i, urls[i], i == 0 ? Role.Primary : Role.Secondary))
            .toList();
    return new Topology(
        "db",
        1,
        new TableSchema("t", "k", List.of(new Column("k", ColumnType.Number))),
        null,
        List.of(new ShardTopology("sh1", 0, 100, 1, "r0", replicas)),
        Map.of());
  }

  @Test
  void anAddressIsSchemeHostAndPortInLowerCaseWithTheDefaultPortFilledIn() {
    assertThat(TopologyRules.address("HTTP://Shard-1.Example:8081/"))
        .contains("http://shard-1.example:8081");
    assertThat(TopologyRules.address("http://h")).contains("http://h:80");
    assertThat(TopologyRules.address("https://h")).contains("https://h:443");
    assertThat(TopologyRules.address("http://[::1]:9")).contains("http://[::1]:9");
    assertThat(TopologyRules.address("h:9")).isEqualTo(Optional.empty());
    assertThat(TopologyRules.address("not a url")).isEqualTo(Optional.empty());
  }

  @Test
  void replicasOnConfiguredAddressesAreAccepted() {
    Topology t = on("http://127.0.0.1:9", "https://s2:443");
    assertThat(
            TopologyRules.onlyConfiguredShardServers(
                t, List.of(" http://127.0.0.1:9/ ", "https://S2", "")))
        .isSameAs(t);
  }

  @Test
  void theFirstReplicaOutsideThePoolIsRefusedByName() {
    assertThatThrownBy(
            () ->
                TopologyRules.onlyConfiguredShardServers(
                    on("http://127.0.0.1:9", "http://127.0.0.1:10", "http://evil:9"),
                    List.of("http://127.0.0.1:9")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "shards[0].replicas[1].url 'http://127.0.0.1:10' is not one of the configured"
                + " shard-servers (shardeddb.router.standalone.shard-servers)");
  }

  @Test
  void anEmptyPoolAcceptsNoAddress() {
    assertThatThrownBy(
            () -> TopologyRules.onlyConfiguredShardServers(on("http://127.0.0.1:9"), List.of()))
        .isInstanceOf(InvalidRequestException.class);
  }
}

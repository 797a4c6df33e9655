package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.lb.ShardDoc;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assignment's admin rules, on the assignment's own example payloads. */
class LayoutPlannerTest {
  static final SchemaDoc SCHEMA =
      new SchemaDoc(
          List.of("Stud_id", "Stud_name", "Stud_marks"), List.of("Number", "String", "String"));

  static DatabaseConfig assignmentInit() {
    Map<String, List<String>> servers = new LinkedHashMap<>();
    servers.put("Server0", List.of("sh1", "sh2"));
    servers.put("Server1", List.of("sh3", "sh4"));
    servers.put("Server3", List.of("sh1", "sh3"));
    servers.put("Server4", List.of("sh4", "sh2"));
    return new DatabaseConfig(
        4,
        SCHEMA,
        List.of(
            new ShardDoc(0, "sh1", 4096),
            new ShardDoc(4096, "sh2", 4096),
            new ShardDoc(8192, "sh3", 4096),
            new ShardDoc(12288, "sh4", 4096)),
        servers);
  }

  @Test
  void createTableDividesTheKeysOrTheHashSpaceOverTwoShardsHeldByEveryServer() {
    io.shardeddb.protocol.schema.TableSchema users =
        new io.shardeddb.protocol.schema.TableSchema(
            "users",
            "id",
            List.of(
                new io.shardeddb.protocol.schema.Column(
                    "id", io.shardeddb.protocol.schema.ColumnType.Number)));
    Layout hash = LayoutPlanner.createTable(users, io.shardeddb.protocol.topology.Sharding.Hash, 3);
    assertThat(hash.shards())
        .containsExactly(new ShardDoc(0, "sh1", 1L << 31), new ShardDoc(1L << 31, "sh2", 1L << 31));
    assertThat(hash.servers().keySet()).containsExactly("Server0", "Server1", "Server2");
    assertThat(hash.replicasOf("sh1")).isEqualTo(3);
    assertThat(hash.replicasOf("sh2")).isEqualTo(3);
    Layout range = LayoutPlanner.createTable(users, null, 1);
    assertThat(range.shards())
        .containsExactly(new ShardDoc(0, "sh1", 1L << 30), new ShardDoc(1L << 30, "sh2", 1L << 30));
    assertThat(range.replicasOf("sh1")).isEqualTo(1);
  }

  @Test
  void aTableKeyedByAStringIsCreatedOnlyUnderHashSharding() {
    io.shardeddb.protocol.schema.TableSchema accounts =
        new io.shardeddb.protocol.schema.TableSchema(
            "accounts",
            "username",
            List.of(
                new io.shardeddb.protocol.schema.Column(
                    "username", io.shardeddb.protocol.schema.ColumnType.String)));
    assertThat(
            LayoutPlanner.createTable(accounts, io.shardeddb.protocol.topology.Sharding.Hash, 2)
                .shards())
        .hasSize(2);
    assertThatThrownBy(() -> LayoutPlanner.createTable(accounts, null, 2))
        .isInstanceOf(io.shardeddb.protocol.InvalidRequestException.class)
        .hasMessageContaining("is a String: it needs sharding: Hash");
  }

  @Test
  void initKeepsServerNamesAndCountsReplicasPerShard() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThat(layout.schema().shardKey()).isEqualTo("Stud_id");
    assertThat(layout.servers()).containsOnlyKeys("Server0", "Server1", "Server3", "Server4");
    assertThat(layout.replicasOf("sh1")).isEqualTo(2);
    assertThat(layout.serversOf("sh2")).containsExactly("Server0", "Server4");
    assertThat(layout.toConfig().n()).isEqualTo(4);
  }

  @Test
  void initRefusesServersListingUnknownShardsAndShardsNoServerHolds() {
    DatabaseConfig c = assignmentInit();
    Map<String, List<String>> servers = new LinkedHashMap<>(c.servers());
    servers.put("Server9", List.of("sh9"));
    assertThatThrownBy(
            () ->
                LayoutPlanner.init(
                    new DatabaseConfig(5, c.schema(), c.shards(), servers), "students"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("shard 'sh9', which does not exist");
    assertThatThrownBy(
            () ->
                LayoutPlanner.init(
                    new DatabaseConfig(
                        1, c.schema(), c.shards(), Map.of("Server0", List.of("sh1"))),
                    "students"))
        .hasMessageContaining("shard 'sh2' is not listed by any server");
  }

  @Test
  void addPicksAnIdForBracketNamesAndReportsTheAssignmentMessage() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    Map<String, List<String>> servers = new LinkedHashMap<>();
    servers.put("Server5", List.of("sh3", "sh5"));
    servers.put("Server[5]", List.of("sh2", "sh5"));
    LayoutPlanner.Added added =
        LayoutPlanner.add(
            layout, new AddRequest(2, List.of(new ShardDoc(16384, "sh5", 4096)), servers));
    assertThat(added.servers()).containsExactly("Server5", "Server2");
    assertThat(LayoutPlanner.addMessage(added.servers())).isEqualTo("Add Server:5 and Server:2");
    assertThat(added.layout().servers()).hasSize(6);
    assertThat(added.layout().replicasOf("sh5")).isEqualTo(2);
  }

  @Test
  void addWithMoreNewServersThanListedFailsWithTheAssignmentsMessage() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(
                    layout, new AddRequest(3, List.of(), Map.of("Server7", List.of("sh1")))))
        .hasMessage("<Error> Number of new servers (n) is greater than newly added instances");
  }

  @Test
  void addRefusesOverlappingNewShards() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(
                    layout,
                    new AddRequest(
                        1,
                        List.of(new ShardDoc(100, "sh9", 10)),
                        Map.of("Server7", List.of("sh9")))))
        .hasMessageContaining("overlaps shard 'sh1'");
  }

  @Test
  void removeTakesTheListedServersThenTheNewestOnes() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    LayoutPlanner.Removed removed =
        LayoutPlanner.remove(layout, new RemoveRequest(2, List.of("Server3")));
    assertThat(removed.servers()).containsExactly("Server3", "Server4");
    assertThat(removed.layout().servers()).containsOnlyKeys("Server0", "Server1");
  }

  @Test
  void removeWithALongerListThanNFailsWithTheAssignmentsMessage() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThatThrownBy(
            () -> LayoutPlanner.remove(layout, new RemoveRequest(1, List.of("Server0", "Server1"))))
        .hasMessage("<Error> Length of server list is more than removable instances");
  }

  @Test
  void removeRefusesToLeaveAShardWithoutServers() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThatThrownBy(
            () -> LayoutPlanner.remove(layout, new RemoveRequest(2, List.of("Server1", "Server4"))))
        .hasMessageContaining("would leave shard 'sh4' with no server");
    assertThatThrownBy(() -> LayoutPlanner.remove(layout, new RemoveRequest(1, List.of("Nope"))))
        .hasMessageContaining("server 'Nope' does not exist");
  }

  @Test
  void nullsAnywhereInAdminBodiesAreRefusedNamingTheField() {
    DatabaseConfig c = assignmentInit();
    List<ShardDoc> withNull = new java.util.ArrayList<>(c.shards());
    withNull.add(null);
    assertThatThrownBy(
            () ->
                LayoutPlanner.init(
                    new DatabaseConfig(4, c.schema(), withNull, c.servers()), "students"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("shards[4] must not be null");
    List<String> held = new java.util.ArrayList<>();
    held.add(null);
    Map<String, List<String>> servers = new LinkedHashMap<>(c.servers());
    servers.put("Server9", held);
    assertThatThrownBy(
            () -> LayoutPlanner.init(new DatabaseConfig(5, c.schema(), c.shards(), servers), "s"))
        .hasMessage("servers.Server9[0] must not be null");
    List<String> columns = new java.util.ArrayList<>(SCHEMA.columns());
    columns.set(1, null);
    assertThatThrownBy(
            () ->
                LayoutPlanner.init(
                    new DatabaseConfig(
                        4, new SchemaDoc(columns, SCHEMA.dtypes()), c.shards(), c.servers()),
                    "s"))
        .hasMessage("schema.columns[1] must not be null");
    Layout layout = LayoutPlanner.init(c, "students");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(
                    layout, new AddRequest(1, withNull, Map.of("Server7", List.of("sh1")))))
        .hasMessage("new_shards[4] must not be null");
    assertThatThrownBy(() -> LayoutPlanner.add(layout, new AddRequest(1, null, servers)))
        .hasMessage("servers.Server9[0] must not be null");
    assertThatThrownBy(() -> LayoutPlanner.remove(layout, new RemoveRequest(1, held)))
        .hasMessage("servers[0] must not be null");
  }

  @Test
  void serverNamesAndShardIdsAreBoundedAndPrintable() {
    Layout layout = LayoutPlanner.init(assignmentInit(), "students");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(
                    layout, new AddRequest(1, null, Map.of("S".repeat(64), List.of("sh1")))))
        .hasMessage("server name is longer than 63 characters");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(layout, new AddRequest(1, null, Map.of("a\nb", List.of("sh1")))))
        .hasMessageContaining("contains a control character");
    assertThatThrownBy(
            () ->
                LayoutPlanner.add(
                    layout,
                    new AddRequest(
                        1,
                        List.of(new ShardDoc(99999, "x".repeat(64), 10)),
                        Map.of("Server7", List.of("sh1")))))
        .hasMessage("new_shards[0].Shard_id is longer than 63 characters");
  }

  @Test
  void serverNameParsingIsASingleScanThatAgreesWithThePatternItReplaces() {
    assertThat(LayoutPlanner.pickIdPrefix("Server[5]")).isEqualTo("Server");
    assertThat(LayoutPlanner.pickIdPrefix("Server[ 5 ]")).isEqualTo("Server");
    assertThat(LayoutPlanner.pickIdPrefix("Server[]")).isEqualTo("Server");
    assertThat(LayoutPlanner.pickIdPrefix("A[[1]")).isEqualTo("A[");
    assertThat(LayoutPlanner.pickIdPrefix("[7]")).isEqualTo("");
    assertThat(LayoutPlanner.pickIdPrefix("Server[1 1]")).isNull();
    assertThat(LayoutPlanner.pickIdPrefix("Server[x]")).isNull();
    assertThat(LayoutPlanner.pickIdPrefix("Server5")).isNull();
    assertThat(LayoutPlanner.addMessage(List.of("Server4", "Server58", "alpha", "12")))
        .isEqualTo("Add Server:4 and Server:58 and alpha and :12");
    // The inputs that made the old regexes backtrack: each is one linear pass now.
    String brackets = "[ ".repeat(200_000) + "x";
    assertThat(LayoutPlanner.pickIdPrefix(brackets + "]")).isNull();
    String digits = "1".repeat(400_000) + "x";
    assertThat(LayoutPlanner.trailingDigits(digits)).isEqualTo(digits.length());
  }
}

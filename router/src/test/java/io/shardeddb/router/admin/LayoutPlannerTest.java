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
}

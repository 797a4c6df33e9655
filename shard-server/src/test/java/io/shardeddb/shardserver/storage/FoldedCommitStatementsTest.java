package io.shardeddb.shardserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The primary's folded write, on a connection that records what it is sent (no database): one round
 * trip whose last statement is the epoch re-check (rule 6), and a batch that appends nothing leaves
 * the position alone (rule 15).
 */
class FoldedCommitStatementsTest {
  private static final UserTable TABLE =
      new UserTable(
          new TableSchema(
              "t",
              "id",
              List.of(new Column("id", ColumnType.Number), new Column("v", ColumnType.String))));

  /** One round trip as sent: its statements in order and its parameters. */
  private record RoundTrip(List<String> statements, List<Object> params) {}

  private final List<RoundTrip> sent = new ArrayList<>();

  /** The update count the database answers for the last statement of each round trip. */
  private long lastCount = 1;

  private final FoldedCommit commit =
      new FoldedCommit(
          new StoreTransactions(null),
          new ReplicationLog(
              new StoreTransactions(null),
              null,
              null,
              new LogCodec(JsonMapper.createDefault()),
              8 << 20));

  @Test
  void aBatchGoesOutInOneRoundTripThatEndsWithTheEpochRecheck() throws Exception {
    boolean committed =
        commit.commitAsPrimary(
            recording(),
            TABLE,
            List.of(Map.of("id", 1L, "v", "a"), Map.of("id", 2L, "v", "b")),
            List.of(new RequestOutcome("r1", 11, RequestOutcome.APPLIED, null)),
            "{\"owned\":[]}",
            List.of(entry(11, 3), entry(12, 3)),
            3,
            10,
            2);

    assertThat(committed).isTrue();
    assertThat(sent).hasSize(1);
    List<String> statements = sent.get(0).statements();
    assertThat(statements)
        .satisfiesExactly(
            s ->
                assertThat(s)
                    .startsWith(
                        "INSERT INTO `user_t` (`id`, `v`, `$global_ts`) VALUES (?, ?, ?), (?, ?, ?)"),
            s -> assertThat(s).startsWith("INSERT INTO request_ids"),
            s -> assertThat(s).isEqualTo("UPDATE shard_meta SET config_json = ? WHERE id = 1"),
            s -> assertThat(s).startsWith("INSERT INTO replication_log"),
            s ->
                assertThat(s)
                    .isEqualTo(
                        "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ?"
                            + " WHERE id = 1 AND epoch = ? AND role = 'Primary'"));
    List<Object> params = sent.get(0).params();
    assertThat(params.subList(params.size() - 3, params.size())).containsExactly(12L, 3L, 3L);
  }

  @Test
  void aRecheckThatMatchesNoRowMeansTheCommitMustNotHappen() throws Exception {
    lastCount = 0;

    boolean committed =
        commit.commitAsPrimary(
            recording(), TABLE, List.of(), List.of(), null, List.of(entry(11, 3)), 3, 10, 2);

    assertThat(committed).isFalse();
  }

  @Test
  void aBatchThatAppendsNothingOnlyRechecksAndNeverRewritesThePosition() throws Exception {
    boolean committed =
        commit.commitAsPrimary(recording(), TABLE, List.of(), List.of(), null, List.of(), 3, 10, 2);

    assertThat(committed).isTrue();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).statements())
        .containsExactly(
            "UPDATE shard_meta SET epoch = epoch WHERE id = 1 AND epoch = ? AND role = 'Primary'");
    assertThat(sent.get(0).params()).containsExactly(3L);
  }

  private static LogEntry entry(long lsn, long epoch) {
    return new LogEntry(lsn, epoch, Operation.Write, List.of(Map.of("id", lsn)), lsn, null);
  }

  /** A connection that records each multi-statement text and answers one count per statement. */
  private Connection recording() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("prepareStatement")) {
                throw new UnsupportedOperationException(method.getName());
              }
              return statement((String) args[0]);
            });
  }

  private PreparedStatement statement(String sql) {
    List<String> statements = List.of(sql.split(";\n"));
    List<Object> params = new ArrayList<>();
    sent.add(new RoundTrip(statements, params));
    int[] answered = {0};
    return (PreparedStatement)
        Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "setObject" -> {
                    params.add(args[1]);
                    yield null;
                  }
                  case "execute", "getMoreResults" -> false;
                  case "getLargeUpdateCount" -> {
                    int i = answered[0]++;
                    yield i >= statements.size()
                        ? -1L
                        : i == statements.size() - 1 ? lastCount : 1L;
                  }
                  case "close" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}

package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.routing.FakeShardServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router with its MySQL listener on a free loopback port, in front of one stand-in shard
 * (range-sharded {@code students}: Stud_id Number, Stud_name String, Stud_marks Number) that
 * refuses duplicate keys as a real shard-server does. Data user {@code sdb} / {@link #DATA_TOKEN},
 * admin user {@code sdb_admin} / {@link #ADMIN_TOKEN}.
 */
final class MysqlRouterFixture implements AutoCloseable {
  static final String DATA_TOKEN = "data-secret-token";
  static final String ADMIN_TOKEN = "admin-secret-token";
  static final String DATABASE = "students";

  final FakeShardServer shard;
  final TestRouter router;

  private MysqlRouterFixture(FakeShardServer shard, TestRouter router) {
    this.shard = shard;
    this.router = router;
  }

  static MysqlRouterFixture start(Map<String, Object> settings) throws Exception {
    FakeShardServer shard =
        new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 1000)));
    shard.refuseDuplicates();
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("shardeddb.router.auth.admin-token", ADMIN_TOKEN);
    all.put("shardeddb.router.retry.timeout", "2s");
    all.putAll(settings);
    TestRouter router = TestRouter.start(DATA_TOKEN, all);
    Http.Reply pushed =
        new Http(router.url(), ADMIN_TOKEN)
            .send(
                "PUT",
                "/admin/topology",
                """
                {"database":"students","version":1,
                 "schema":{"table":"students","shardKey":"Stud_id","columns":[
                   {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
                   {"name":"Stud_marks","type":"Number"}]},
                 "shards":[{"id":"sh1","low":0,"size":1000,"epoch":1,"primary":"a",
                   "replicas":[{"name":"a","url":"%s","role":"Primary"}]}],
                 "servers":{"Server0":["sh1"]}}
                """
                    .formatted(shard.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
    return new MysqlRouterFixture(shard, router);
  }

  /** The MySQL listener's port. */
  int port() {
    return router.server().getApplicationContext().getBean(MysqlServer.class).port();
  }

  /** A Connector/J URL of the database, with bounded timeouts and {@code params} appended. */
  String jdbcUrl(String params) {
    return "jdbc:mysql://127.0.0.1:"
        + port()
        + "/"
        + DATABASE
        + "?connectTimeout=5000&socketTimeout=30000"
        + (params.isEmpty() ? "" : "&" + params);
  }

  @Override
  public void close() {
    router.close();
    shard.close();
  }
}

package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.cli.testing.DebianPackages;
import io.shardeddb.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients nobody here wrote, unchanged, against local mode (real operator, router and shard-servers
 * on MariaDB; issue 46's "Done when"): Debian's {@code mariadb} client in batch mode and PyMySQL's
 * parameterised statements, each over TLS verified by the database's CA when the database has it,
 * on the composite-keyed {@code orders} table beside {@code users}: rows written and read back,
 * MySQL's 1062 for a duplicate key, 1045 for a wrong password. Installed from Debian's packages
 * where missing (root on Debian); skipped with the reason elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlClientsIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private Path mariadb;
  private Path ca;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    if (mariadbCli().isEmpty() || !pymysql()) {
      Assumptions.assumeTrue(
          DebianPackages.installable(),
          "no mariadb client or PyMySQL, and this is not root on Debian to install them");
      String out =
          DebianPackages.install(
              () -> mariadbCli().isPresent() && pymysql(), "mariadb-client", "python3-pymysql");
      assertThat(mariadbCli().isPresent() && pymysql()).as(out).isTrue();
    }
    mariadb = mariadbCli().orElseThrow();
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/orders-composite.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    if (router.caPem() != null) {
      ca = dir.resolve("ca.pem");
      Files.writeString(ca, router.caPem());
    }
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .until(
            () -> {
              try (var c = LocalMysql.admin(router);
                  var st = c.createStatement()) {
                st.execute(
                    "CREATE TABLE IF NOT EXISTS orders (user_id BIGINT NOT NULL, order_no INT NOT"
                        + " NULL, item VARCHAR(40), PRIMARY KEY (user_id, order_no))");
              }
              return true;
            });
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theMariadbClientRunsStatementsInBatchMode() {
    List<String> command = new ArrayList<>();
    command.add(mariadb.toString());
    command.addAll(
        List.of(
            "--no-defaults",
            "--protocol=TCP",
            "-h",
            router.mysqlHost(),
            "-P",
            Integer.toString(ShardedDatabaseResources.ROUTER_MYSQL_PORT),
            "-u",
            ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER,
            "--connect-timeout=10",
            "--batch"));
    command.addAll(ca == null ? List.of("--skip-ssl") : List.of("--ssl", "--ssl-ca=" + ca));
    command.addAll(
        List.of(
            "-D",
            router.database(),
            "-e",
            "INSERT INTO users (id, name) VALUES (7, 'Ada'); INSERT INTO orders (user_id,"
                + " order_no, item) VALUES (7, 1, 'pen'), (7, 2, 'ink'); UPDATE orders SET item ="
                + " 'nib' WHERE user_id = 7 AND order_no = 2; SELECT o.order_no, o.item, u.name"
                + " FROM users u JOIN orders o ON u.id = o.user_id WHERE u.id = 7 ORDER BY"
                + " o.order_no; SHOW TABLES;"));
    // MYSQL_PWD keeps the token off the command line.
    DebianPackages.Ran r = DebianPackages.run(command, Map.of("MYSQL_PWD", router.token()), 120);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("order_no\titem\tname\n1\tpen\tAda\n2\tnib\tAda\n")
        .contains("users\norders");
  }

  @Test
  void pymysqlRunsParameterisedStatementsAndSeesMysqlErrors() throws Exception {
    Path script = Files.createTempFile("pymysql-local", ".py");
    Files.writeString(
        script,
        """
        import os, sys
        import pymysql
        args = dict(host=sys.argv[1], port=int(sys.argv[2]), user=sys.argv[3],
                    database=sys.argv[4], connect_timeout=10, read_timeout=120, write_timeout=120)
        if sys.argv[5] != "-":
            # Verified by the database's CA (the certificate names the Service, not the host).
            args.update(ssl_ca=sys.argv[5], ssl_verify_identity=False)
        c = pymysql.connect(password=os.environ["SDB_TOKEN"], **args)
        with c.cursor() as cur:
            print("inserted", cur.execute(
                "INSERT INTO orders (user_id, order_no, item) VALUES (%s, %s, %s)",
                (9, 1, "O'Hara's lamp")))
            c.commit()
            cur.execute("SELECT user_id, order_no, item FROM orders WHERE user_id = %s"
                        " AND order_no = %s", (9, 1))
            print("row", cur.fetchone())
            try:
                cur.execute("INSERT INTO orders (user_id, order_no, item) VALUES (9, 1, 'again')")
            except pymysql.err.IntegrityError as e:
                print("duplicate", e.args[0])
            print("other order", cur.execute(
                "INSERT INTO orders (user_id, order_no, item) VALUES (9, 2, 'bulb')"))
            print("deleted", cur.execute("DELETE FROM orders WHERE user_id = 9"))
        c.close()
        try:
            pymysql.connect(password="wrong", **args)
        except pymysql.err.OperationalError as e:
            print("denied", e.args[0])
        """);
    DebianPackages.Ran r =
        DebianPackages.run(
            List.of(
                PYTHON.toString(),
                script.toString(),
                router.mysqlHost(),
                Integer.toString(ShardedDatabaseResources.ROUTER_MYSQL_PORT),
                ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER,
                router.database(),
                ca == null ? "-" : ca.toString()),
            Map.of("SDB_TOKEN", router.token()),
            180);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("inserted 1")
        .contains("row (9, 1, \"O'Hara's lamp\")")
        .contains("duplicate 1062")
        .contains("other order 1")
        .contains("deleted 2")
        .contains("denied 1045");
  }

  private static Optional<Path> mariadbCli() {
    return DebianPackages.onPath("mariadb", "mysql");
  }

  private static boolean pymysql() {
    return Files.isExecutable(PYTHON)
        && DebianPackages.run(List.of(PYTHON.toString(), "-c", "import pymysql"), Map.of(), 30)
                .exit()
            == 0;
  }
}

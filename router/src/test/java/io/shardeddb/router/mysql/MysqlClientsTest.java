package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's {@code mariadb} client and PyMySQL, unchanged, against the router's MySQL listener: the
 * CLI's connect-time queries, statements separated by ';' in batch mode, and {@code --ssl} to a
 * TLS-only router; PyMySQL's parameterised statements, its duplicate-key IntegrityError (1062), a
 * wrong password's OperationalError (1045), and TLS verified by the database's CA. Skipped, with
 * the reason, where the clients are missing and cannot be installed (not root on Debian).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class MysqlClientsTest {
  MysqlClientTools.Found tools;
  MysqlRouterFixture plain;
  MysqlRouterFixture tls;
  MysqlRouterFixture orders;

  @BeforeAll
  void start() throws Exception {
    tools = MysqlClientTools.locate();
    Assumptions.assumeTrue(tools.whyNot() == null, () -> "skipped: " + tools.whyNot());
    plain = MysqlRouterFixture.start(Map.of());
    tls = MysqlRouterFixture.startTls();
    orders = MysqlRouterFixture.startWithOrders();
  }

  @AfterAll
  void stop() {
    if (plain != null) {
      plain.close();
    }
    if (tls != null) {
      tls.close();
    }
    if (orders != null) {
      orders.close();
    }
  }

  MysqlClientTools.Ran cli(MysqlRouterFixture f, String password, List<String> extra, String sql) {
    List<String> command = new ArrayList<>();
    command.add(tools.cli().toString());
    command.addAll(
        List.of(
            "--no-defaults",
            "--protocol=TCP",
            "-h",
            "127.0.0.1",
            "-P",
            Integer.toString(f.port()),
            "-u",
            "sdb",
            "--connect-timeout=5",
            "--batch"));
    command.addAll(extra);
    command.addAll(List.of("-D", MysqlRouterFixture.DATABASE, "-e", sql));
    // MYSQL_PWD keeps the token off the command line.
    return MysqlClientTools.run(command, Map.of("MYSQL_PWD", password), 60);
  }

  @Test
  void theMariadbClientRunsStatementsInBatchMode() {
    MysqlClientTools.Ran r =
        cli(
            plain,
            MysqlRouterFixture.DATA_TOKEN,
            List.of(),
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (11, 'cli', 70), (12,"
                + " 'cli2', 80); SELECT Stud_id, Stud_name, Stud_marks FROM students WHERE Stud_id"
                + " IN (11, 12) ORDER BY Stud_id; SELECT @@version_comment, DATABASE();"
                + " SHOW TABLES;");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("Stud_id\tStud_name\tStud_marks\n11\tcli\t70\n12\tcli2\t80\n")
        .contains("ShardedDB router")
        .contains("Tables_in_students\nstudents");
  }

  @Test
  void theMariadbClientGroupsAndAggregates() {
    MysqlClientTools.Ran r =
        cli(
            plain,
            MysqlRouterFixture.DATA_TOKEN,
            List.of(),
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (41, 'g', 5), (42, 'h',"
                + " 5), (43, 'i', 9); SELECT Stud_marks, COUNT(*) AS n, SUM(Stud_id), AVG(Stud_id)"
                + " FROM students WHERE Stud_id BETWEEN 41 AND 43 GROUP BY Stud_marks ORDER BY"
                + " Stud_marks;");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains(
            "Stud_marks\tn\tSUM(Stud_id)\tAVG(Stud_id)\n5\t2\t83\t41.5000\n9\t1\t43\t43.0000\n");
  }

  @Test
  void theMariadbClientRunsATransactionAndARollback() {
    MysqlClientTools.Ran r =
        cli(
            plain,
            MysqlRouterFixture.DATA_TOKEN,
            List.of(),
            "START TRANSACTION; INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (21,"
                + " 't', 1); UPDATE students SET Stud_marks = 2 WHERE Stud_id = 21; COMMIT;"
                + " BEGIN; INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (22, 'r',"
                + " 1); ROLLBACK; SELECT Stud_id, Stud_marks FROM students WHERE Stud_id IN (21, 22);");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("Stud_id\tStud_marks\n21\t2\n").doesNotContain("22\t");
  }

  @Test
  void theMariadbClientRunsATransactionOverTwoTables() {
    MysqlClientTools.Ran r =
        cli(
            orders,
            MysqlRouterFixture.DATA_TOKEN,
            List.of(),
            "SHOW TABLES; START TRANSACTION; INSERT INTO orders (cust, item, qty) VALUES (41,"
                + " 'lamp', 2); INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (41,"
                + " 'Ada', 7); UPDATE orders SET qty = 3 WHERE cust = 41; COMMIT; BEGIN; DELETE"
                + " FROM students WHERE Stud_id = 41; INSERT INTO orders (cust, item, qty) VALUES"
                + " (42, 'x', 1); ROLLBACK; SELECT cust, item, qty FROM orders WHERE cust IN (41,"
                + " 42); SELECT Stud_name FROM students WHERE Stud_id = 41;");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("students\norders\n")
        .contains("cust\titem\tqty\n41\tlamp\t3\n")
        .doesNotContain("42\tx")
        .contains("Stud_name\nAda\n");
    assertThat(orders.shard.rowsOf("orders").get(41L)).containsEntry("qty", 3);
    assertThat(orders.shard.rowsOf(null).get(41L)).containsEntry("Stud_name", "Ada");
  }

  @Test
  void pymysqlRunsATransactionOverTwoTables() throws Exception {
    Path script = Files.createTempFile("pymysql-tables", ".py");
    Files.writeString(
        script,
        """
        import os, sys
        import pymysql
        c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="sdb",
                            password=os.environ["SDB_TOKEN"], database="students",
                            connect_timeout=5, read_timeout=30, write_timeout=30)
        with c.cursor() as cur:
            c.begin()
            cur.execute("INSERT INTO orders (cust, item, qty) VALUES (%s, %s, %s)", (51, "desk", 1))
            cur.execute("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (%s, %s, %s)",
                        (51, "Bo", 5))
            c.commit()
            c.begin()
            cur.execute("INSERT INTO orders (cust, item, qty) VALUES (52, 'no', 1)")
            c.rollback()
            cur.execute("SELECT cust, item, qty FROM orders WHERE cust IN (51, 52)")
            print("orders", cur.fetchall())
            cur.execute("SELECT Stud_name FROM students WHERE Stud_id = 51")
            print("students", cur.fetchall())
        c.close()
        """);
    MysqlClientTools.Ran r =
        MysqlClientTools.run(
            List.of(
                MysqlClientTools.PYTHON.toString(),
                script.toString(),
                Integer.toString(orders.port())),
            Map.of("SDB_TOKEN", MysqlRouterFixture.DATA_TOKEN),
            60);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("orders ((51, 'desk', 1),)").contains("students (('Bo',),)");
    assertThat(orders.shard.rowsOf(null).get(51L)).containsEntry("Stud_name", "Bo");
  }

  @Test
  void theMariadbClientReportsErrorsWithMysqlCodes() {
    MysqlClientTools.Ran denied = cli(plain, "wrong", List.of(), "SELECT 1");
    assertThat(denied.exit()).isNotZero();
    assertThat(denied.output()).contains("ERROR 1045 (28000)").contains("Access denied");
    MysqlClientTools.Ran column =
        cli(plain, MysqlRouterFixture.DATA_TOKEN, List.of(), "SELECT nope FROM students");
    assertThat(column.output()).contains("ERROR 1054 (42S22)");
  }

  @Test
  void theMariadbClientConnectsOverTlsWhereTheRouterRequiresIt() {
    MysqlClientTools.Ran r =
        cli(
            tls,
            MysqlRouterFixture.DATA_TOKEN,
            List.of("--ssl", "--ssl-ca=" + tls.caFile),
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (21, 'tls', 1);"
                + " SELECT Stud_name FROM students WHERE Stud_id = 21");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("Stud_name\ntls\n");
    MysqlClientTools.Ran refused =
        cli(tls, MysqlRouterFixture.DATA_TOKEN, List.of("--skip-ssl"), "SELECT 1");
    assertThat(refused.output()).contains("3159");
  }

  @Test
  void pymysqlRunsParameterisedStatementsAndSeesMysqlErrors() throws Exception {
    Path script = Files.createTempFile("pymysql-test", ".py");
    Files.writeString(
        script,
        """
        import os, sys
        import pymysql
        args = dict(host="127.0.0.1", port=int(sys.argv[1]), user="sdb",
                    database="students", connect_timeout=5, read_timeout=30, write_timeout=30)
        c = pymysql.connect(password=os.environ["SDB_TOKEN"], **args)
        with c.cursor() as cur:
            print("inserted", cur.execute(
                "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (%s, %s, %s)",
                (31, "O'Hara", 88)))
            c.commit()
            cur.execute("SELECT Stud_id, Stud_name, Stud_marks FROM students WHERE Stud_id = %s",
                        (31,))
            print("row", cur.fetchone())
            print("types", [d[1] for d in cur.description])
            try:
                cur.execute("INSERT INTO students (Stud_id, Stud_name, Stud_marks)"
                            " VALUES (31, 'again', 1)")
            except pymysql.err.IntegrityError as e:
                print("duplicate", e.args[0])
            print("updated", cur.execute("UPDATE students SET Stud_marks = 90 WHERE Stud_id = 31"))
        c.close()
        try:
            pymysql.connect(password="wrong", **args)
        except pymysql.err.OperationalError as e:
            print("denied", e.args[0])
        # TLS, verified by the database's CA (the certificate names the Service, not 127.0.0.1).
        t = pymysql.connect(password=os.environ["SDB_TOKEN"], ssl_ca=sys.argv[3],
                            ssl_verify_identity=False, **dict(args, port=int(sys.argv[2])))
        with t.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM students")
            print("tls", cur.fetchone()[0] >= 0, t._sock.version())
        t.close()
        """);
    MysqlClientTools.Ran r =
        MysqlClientTools.run(
            List.of(
                MysqlClientTools.PYTHON.toString(),
                script.toString(),
                Integer.toString(plain.port()),
                Integer.toString(tls.port()),
                tls.caFile.toString()),
            Map.of("SDB_TOKEN", MysqlRouterFixture.DATA_TOKEN),
            60);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("inserted 1")
        .contains("row (31, \"O'Hara\", 88)")
        // FIELD_TYPE.LONGLONG 8, VAR_STRING 253
        .contains("types [8, 253, 8]")
        .contains("duplicate 1062")
        .contains("updated 1")
        .contains("denied 1045")
        .containsPattern("tls True TLSv1\\.[23]");
  }
}

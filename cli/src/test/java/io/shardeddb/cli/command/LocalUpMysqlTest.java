package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.local.LocalCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code local up} tells how to reach the router's MySQL protocol: the {@code mysql://} URL of the
 * data user at the router pod's address (for {@code --info-file}) and a mysql client command line,
 * verifying the database's CA when the router serves TLS.
 */
class LocalUpMysqlTest {
  @Test
  void theMysqlUrlAndCommandNameTheRouterPodTheDataUserAndTheDatabase() {
    LocalCluster.RouterInfo tls =
        new LocalCluster.RouterInfo(
            "https://127.0.1.5:8080", "tok", "/k/config", "adm", "PEM", "students");
    assertThat(tls.mysqlUrl()).isEqualTo("mysql://sdb@127.0.1.5:3306/students");
    assertThat(LocalUpCommand.mysqlCommand(tls, Path.of("/d/students-ca.crt")))
        .isEqualTo(
            "mysql -h 127.0.1.5 -P 3306 -u sdb -p'tok' --ssl-ca=/d/students-ca.crt students");

    LocalCluster.RouterInfo plain =
        new LocalCluster.RouterInfo("http://127.0.1.5:8080", null, "/k", null, null, "db1");
    assertThat(LocalUpCommand.mysqlCommand(plain, null))
        .isEqualTo("mysql -h 127.0.1.5 -P 3306 -u sdb db1");
  }
}

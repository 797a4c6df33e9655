package io.shardeddb.cli.booking;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.cli.data.RouterLocator;
import io.shardeddb.cli.data.RouterTarget;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.tls.Tls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Brings the booking demo up against a local-mode database: finds its router (as the data commands
 * do), writes the course catalogue's rows (a course already there is left as it is), and starts
 * {@link BookingServer} with local mode's shard-servers behind the kill button. Refuses a database
 * whose router is not on a loopback address: the kill button is for local mode only.
 */
public final class BookingDemo {
  private BookingDemo() {}

  /** The page's directory in a checkout. */
  public static Path webRoot(Path projectHome) {
    return projectHome.resolve("examples/booking");
  }

  /**
   * Seeds the catalogue and starts the server on {@code bind}; {@link DataCommandException} names
   * what stops it.
   */
  public static BookingServer start(
      KubernetesClient client,
      String namespace,
      String database,
      Path webRoot,
      InetSocketAddress bind)
      throws IOException {
    RouterTarget target = new RouterLocator(client, namespace).locate(database);
    if (target.route() != RouterTarget.Route.DIRECT
        || !InetAddress.getByName(target.podIp()).isLoopbackAddress()) {
      throw new DataCommandException(
          "the router of "
              + database
              + " is at "
              + target.podIp()
              + ", not on a loopback address: the booking demo (and its kill button) runs against"
              + " local mode only (kubectl-sdb local up)");
    }
    if (!BookingCatalog.KEY.equals(target.schema().shardKey())) {
      throw new DataCommandException(
          "the booking demo needs the schema of examples/booking/courses.yaml (shard key "
              + BookingCatalog.KEY
              + "); "
              + database
              + "'s shard key is "
              + target.schema().shardKey());
    }
    String baseUrl = (target.tls() ? "https://" : "http://") + target.podIp() + ":" + target.port();
    SSLContext tls = target.tls() ? Tls.routerClientContext(target.caPem()) : null;
    seed(
        new RouterClient(
            baseUrl, target.token(), target.schema().shardKey(), Duration.ofSeconds(60), tls),
        BookingCatalog.parse(Files.readString(webRoot.resolve("courses.json"))));
    return BookingServer.start(
        bind,
        new BookingServer.Router(baseUrl, tls, target.token()),
        new LocalShardServers(client, namespace, database),
        webRoot);
  }

  /** Writes each course's row; 409 (the key exists: seeded before) leaves it as it is. */
  static void seed(RouterClient router, List<BookingCatalog.Course> courses) {
    for (BookingCatalog.Course course : courses) {
      try {
        router.write(List.of(BookingCatalog.row(course)));
      } catch (RouterException e) {
        if (e.status() != 409) {
          throw new DataCommandException(
              "writing course " + course.id() + " failed: " + e.getMessage());
        }
      }
    }
  }
}

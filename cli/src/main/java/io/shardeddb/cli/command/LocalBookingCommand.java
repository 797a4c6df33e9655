package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.cli.booking.BookingDemo;
import io.shardeddb.cli.booking.BookingServer;
import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.protocol.InvalidRequestException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local booking DB}: the course-booking demo (examples/booking/) for a local
 * database, served on a loopback address until Ctrl-C (docs/booking-demo.md).
 */
@Command(
    name = "booking",
    description =
        "Serve the course-booking demo (examples/booking) for a local database until Ctrl-C.")
public final class LocalBookingCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description = "the database, e.g. courses (examples/booking/courses.yaml)")
  String database;

  @Option(
      names = "--port",
      defaultValue = "8090",
      description = "the port to serve the page on (default 8090; 0: any free port)")
  int port;

  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      description = "the loopback address to serve on (default 127.0.0.1)")
  String address;

  @Mixin KubeconfigOption cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    InetAddress bind = InetAddress.getByName(address);
    if (!bind.isLoopbackAddress()) {
      err.println("error: --address must be a loopback address (127.x.y.z), not " + address);
      err.flush();
      return 2;
    }
    try (KubernetesClient client = cluster.localClient();
        BookingServer server =
            BookingDemo.start(
                client,
                client.getNamespace(),
                database,
                BookingDemo.webRoot(ProjectHome.find()),
                new InetSocketAddress(bind, port))) {
      out.println("Booking demo for " + database + ": " + server.url());
      out.println("  log in with the router's data token (the one `local up` printed as token:)");
      out.println("Press Ctrl-C to stop.");
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "booking-shutdown"));
      stopped.await();
      return 0;
    } catch (DataCommandException | InvalidRequestException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}

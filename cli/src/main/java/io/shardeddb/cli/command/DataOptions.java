package io.shardeddb.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.cli.data.DataCommandException;
import io.shardeddb.cli.data.RouterConnection;
import io.shardeddb.cli.data.RouterLocator;
import io.shardeddb.cli.data.RouterTarget;
import io.shardeddb.cli.output.Structured;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every data command shares: the database name, the cluster options, the output format, and
 * one way to reach the router and report its answers.
 */
public final class DataOptions {
  /** Exit code when the router or the cluster refused or failed the request. */
  static final int FAILED = 1;

  /** Exit code when the command line itself is wrong (picocli's usage code). */
  static final int USAGE = 2;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
          .configure(SerializationFeature.INDENT_OUTPUT, true);

  /** The output format. */
  public enum Output {
    table,
    json,
    yaml
  }

  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String database;

  @Mixin KubeconfigOption cluster;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default), json or yaml")
  Output output;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      description = "how long to wait for the router's answer (e.g. 1m; default 30s)")
  Duration timeout;

  /** What a data command does once it has a client of the router. */
  @FunctionalInterface
  interface Action {
    int run(RouterClient router, RouterTarget target, PrintWriter out) throws Exception;
  }

  /**
   * Finds the router, opens a route to it, runs {@code action} and turns every failure into an
   * {@code error: ..} line and a non-zero exit code.
   */
  int run(CommandSpec spec, Action action) {
    return connect(spec, (c, target, out) -> action.run(c.client(timeout), target, out));
  }

  /** What runs on an open route to the router. */
  @FunctionalInterface
  private interface Connected {
    int run(RouterConnection connection, RouterTarget target, PrintWriter out) throws Exception;
  }

  private int connect(CommandSpec spec, Connected action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      RouterTarget target = new RouterLocator(client, client.getNamespace()).locate(database);
      try (RouterConnection connection = RouterConnection.open(client, target)) {
        return action.run(connection, target, out);
      }
    } catch (RouterException e) {
      err.println("error: " + e.reason() + " (HTTP " + e.status() + ")");
      return FAILED;
    } catch (DataCommandException | UncheckedIOException | ClusterErrors.ConfigException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      err.println("error: " + ClusterErrors.describe(e, cluster.server()));
      return FAILED;
    } catch (Exception e) {
      err.println("error: " + e);
      return FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Prints {@code error: message} and answers the usage exit code. */
  static int usage(CommandSpec spec, String message) {
    spec.commandLine().getErr().println("error: " + message);
    spec.commandLine().getErr().flush();
    return USAGE;
  }

  /** The schema's column names, in order. */
  static List<String> columns(RouterTarget target) {
    return target.schema().columns().stream().map(ColumnSpec::name).toList();
  }

  /** Parses one JSON object argument; a {@link DataCommandException} names the argument. */
  static Map<String, Object> parseRow(String what, String text) {
    try {
      Object v = JSON.readValue(text, Object.class);
      if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) m;
        return row;
      }
      throw new DataCommandException(what + " is not a JSON object: " + text);
    } catch (JsonProcessingException e) {
      throw new DataCommandException(
          what + " is not valid JSON (" + e.getOriginalMessage() + "): " + text);
    }
  }

  /** Prints a value as JSON. */
  static void printJson(PrintWriter out, Object value) throws JsonProcessingException {
    out.println(JSON.writeValueAsString(value));
  }

  /**
   * Prints {@code value} in {@code output}'s machine-readable form and answers true, or answers
   * false for {@code table} (the caller prints its table).
   */
  static boolean printStructured(PrintWriter out, Output output, Object value) {
    if (output == Output.table) {
      return false;
    }
    Structured.print(out, value, output == Output.yaml);
    return true;
  }
}

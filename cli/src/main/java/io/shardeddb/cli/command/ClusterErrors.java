package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one place that words an expected failure to use the cluster (API unreachable, credentials
 * refused, forbidden, not found, a kubeconfig that cannot be read or lacks the context) as one
 * {@code error:} line. {@link Handler} does it for whatever a verb lets escape, with exit code 1;
 * anything else is a bug and keeps its stack trace.
 */
public final class ClusterErrors {
  private ClusterErrors() {}

  /** A kubeconfig that cannot be used as asked (e.g. no such context). */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  /**
   * The line (without {@code error: }) for {@code failure} when it is an expected cluster failure,
   * else empty. {@code server} is the API's URL, or null when unknown.
   */
  public static Optional<String> describe(Throwable failure, String server) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException e) {
        return Optional.of(describe(e, server));
      }
      if (t instanceof ConfigException || t instanceof UncheckedIOException) {
        return Optional.of(t.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The line (without {@code error: }) for an API failure. */
  public static String describe(KubernetesClientException e, String server) {
    String at = server == null ? "" : " at " + stripSlash(server);
    Status status = e.getStatus();
    String said =
        status == null
            ? null
            : status.getMessage() != null && !status.getMessage().isBlank()
                ? status.getMessage()
                : status.getReason();
    int code = e.getCode();
    if (code <= 0 || hasCause(e, IOException.class)) {
      return "cannot reach the Kubernetes API" + at + ": " + cause(e);
    }
    return switch (code) {
      case 401 ->
          "the Kubernetes API"
              + at
              + " refused the credentials (401 Unauthorized)"
              + (said == null || said.equals("Unauthorized") ? "" : ": " + said);
      case 403 -> "forbidden (403): " + (said == null ? "the API refused the request" : said);
      case 404 -> "not found (404): " + (said == null ? "the API has no such resource" : said);
      default ->
          "the Kubernetes API" + at + " answered " + code + (said == null ? "" : ": " + said);
    };
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** What the innermost cause says, in words (not a class name where it says nothing). */
  static String cause(Throwable t) {
    Throwable root = t;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof ClosedChannelException) {
        // The JDK's client says "ConnectException" (no message) or a closed channel beneath it.
        return c.getMessage() == null || c.getMessage().isBlank()
            ? "connection refused"
            : c.getMessage();
      }
      root = c;
    }
    String message = root.getMessage();
    if (root instanceof UnknownHostException) {
      return "unknown host " + message;
    }
    if (root instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (root instanceof SSLException) {
      return "TLS failed: " + message;
    }
    if (root instanceof NoSuchFileException) {
      return "no such file";
    }
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  /**
   * Prints an expected failure as one {@code error:} line with exit code 1; rethrows anything else
   * (a bug: picocli prints its stack trace).
   */
  public static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult)
        throws Exception {
      Optional<String> line = describe(ex, server(commandLine.getCommandSpec()));
      if (line.isEmpty()) {
        throw ex;
      }
      commandLine.getErr().println("error: " + line.get());
      commandLine.getErr().flush();
      return 1;
    }

    /** The API server the failed command used, from its cluster options. */
    private static String server(CommandSpec spec) {
      for (CommandSpec mixin : spec.mixins().values()) {
        if (mixin.userObject() instanceof KubeconfigOption k) {
          return k.server();
        }
        String nested = server(mixin);
        if (nested != null) {
          return nested;
        }
      }
      return null;
    }
  }
}

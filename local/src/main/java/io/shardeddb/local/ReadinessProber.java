package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.shardeddb.protocol.tls.Tls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The kubelet's readiness prober: runs a pod's readiness probe (HTTP GET) as its spec says, from
 * the node's own address.
 */
final class ReadinessProber {
  /** The kubelet's defaults for fields a probe leaves out. */
  private static final int DEFAULT_TIMEOUT_SECONDS = 1;

  private static final int DEFAULT_FAILURE_THRESHOLD = 3;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

  private final HttpClient http;

  ReadinessProber(String nodeAddress) {
    try {
      // Probes come from the "node" address, as a kubelet's do: partitioning a pod from the
      // operator (127.0.0.1) must not also blind its kubelet.
      this.http =
          HttpClient.newBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .version(HttpClient.Version.HTTP_1_1)
              .localAddress(InetAddress.getByName(nodeAddress))
              // A kubelet probes HTTPS without verifying the certificate and without presenting
              // one; so does this stand-in (probes carry no credential, read nothing secret).
              .sslContext(Tls.probeContext())
              .build();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Probes the pod's process once and records the result on it; returns whether the pod counts as
   * ready: not running is not ready, no probe is ready, a 2xx or 3xx answer within the probe's
   * {@code timeoutSeconds} succeeds, and only {@code failureThreshold} failures in a row make a
   * ready pod not ready ({@link ReadinessTally}), as a kubelet counts them.
   */
  boolean probe(PodProcess pod) {
    Container main = pod.mainContainer();
    Probe spec = main == null ? null : main.getReadinessProbe();
    int threshold =
        spec == null || spec.getFailureThreshold() == null
            ? DEFAULT_FAILURE_THRESHOLD
            : spec.getFailureThreshold();
    return pod.recordProbe(probeOnce(pod), threshold);
  }

  private boolean probeOnce(PodProcess pod) {
    Container main = pod.mainContainer();
    if (!pod.alive() || main == null) {
      return false;
    }
    HTTPGetAction get =
        main.getReadinessProbe() == null ? null : main.getReadinessProbe().getHttpGet();
    if (get == null) {
      return true;
    }
    int port = resolvePort(main, get);
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(scheme(get) + pod.ip() + ":" + port + get.getPath()))
                  .timeout(timeout(main.getReadinessProbe()))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() >= 200 && r.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The probe's {@code timeoutSeconds} (the kubelet's default 1 s when absent). */
  static Duration timeout(Probe probe) {
    Integer seconds = probe.getTimeoutSeconds();
    return Duration.ofSeconds(seconds == null || seconds < 1 ? DEFAULT_TIMEOUT_SECONDS : seconds);
  }

  /** The probe's scheme, as the kubelet reads {@code httpGet.scheme} (HTTP when absent). */
  static String scheme(HTTPGetAction get) {
    return "HTTPS".equalsIgnoreCase(get.getScheme()) ? "https://" : "http://";
  }

  private static int resolvePort(Container c, HTTPGetAction get) {
    if (get.getPort().getIntVal() != null) {
      return get.getPort().getIntVal();
    }
    String name = get.getPort().getStrVal();
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no container port named " + name))
        .getContainerPort();
  }
}

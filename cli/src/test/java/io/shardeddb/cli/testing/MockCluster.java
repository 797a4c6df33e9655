package io.shardeddb.cli.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 (plain HTTP, no token) that also answers
 * pods' {@code /log} (which the CRUD store does not) with the text a test sets per pod and
 * container, recording each log request's query ({@code sinceSeconds}, {@code follow}, ...). With a
 * kubeconfig for the plugin's {@code --kubeconfig}.
 */
public final class MockCluster implements AutoCloseable {
  private static final Pattern LOG =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log(?:\\?(.*))?");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Map<String, String> logs = new ConcurrentHashMap<>();
  private final List<String> logQueries = new CopyOnWriteArrayList<>();

  public MockCluster() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            Matcher m = LOG.matcher(request.getPath());
            if (m.matches() && "GET".equals(request.getMethod())) {
              String query = m.group(3) == null ? "" : m.group(3);
              logQueries.add(m.group(1) + "/" + m.group(2) + "?" + query);
              Matcher c = Pattern.compile("(?:^|&)container=([^&]+)").matcher(query);
              String container = c.find() ? c.group(1) : "";
              String key = m.group(1) + "/" + m.group(2) + "/" + container;
              String previous = query.contains("previous=true") ? "/previous" : "";
              String text = logs.get(key + previous);
              return text == null
                  ? new MockResponse().setResponseCode(404).setBody("{}")
                  : new MockResponse().setResponseCode(200).setBody(text);
            }
            return crud.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = server.createClient();
  }

  /** Installs the CRD in {@code file} (relative to the project). */
  public MockCluster crd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(Serialization.unmarshal(in, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * What {@code GET .../pods/POD/log?container=CONTAINER} answers (previous: the last instance).
   */
  public void log(String namespace, String pod, String container, boolean previous, String text) {
    logs.put(namespace + "/" + pod + "/" + container + (previous ? "/previous" : ""), text);
  }

  /** The log requests so far, as {@code namespace/pod?query}. */
  public List<String> logQueries() {
    return List.copyOf(logQueries);
  }

  /** A client of this API (shared; do not close it). */
  public KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig for this API whose context's namespace is {@code namespace}. */
  public Path kubeconfig(Path file, String namespace) {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://127.0.0.1:%d
        users:
        - name: mock
          user: {}
        contexts:
        - name: mock
          context:
            cluster: mock
            user: mock
            namespace: %s
        current-context: mock
        """
            .formatted(server.getPort(), namespace);
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}

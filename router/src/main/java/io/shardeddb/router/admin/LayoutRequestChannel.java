package io.shardeddb.router.admin;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.micronaut.context.annotation.Requires;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The router's side of the layout request object ({@link LayoutRequest}): writes a request into the
 * ConfigMap the operator created for it (get and update of that one object are all the router's
 * Role grants) and polls, bounded, for the operator's answer to that request id.
 */
@Singleton
@Requires(property = "shardeddb.router.topology.source", value = "kubernetes")
public class LayoutRequestChannel {
  /** How often the answer is looked for while waiting. */
  static final Duration POLL = Duration.ofMillis(200);

  /** Attempts to write a request when the object changed under the router (409). */
  private static final int WRITE_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final Resource<ConfigMap> object;
  private final String name;

  @Inject
  public LayoutRequestChannel(KubernetesClient client, RouterSettings settings) {
    this(client, settings.namespace(), settings.database());
  }

  /** The channel of database {@code database} in {@code namespace}. */
  LayoutRequestChannel(KubernetesClient client, String namespace, String database) {
    this.client = client;
    this.name = ShardedDatabaseResources.layoutRequestName(database);
    this.object = client.configMaps().inNamespace(namespace).withName(name);
  }

  /** Writes {@code request} under a new id and returns that id. */
  public String send(LayoutRequest request) {
    String id = UUID.randomUUID().toString();
    for (int attempt = 1; ; attempt++) {
      ConfigMap current = read();
      if (current == null) {
        throw new ApiException(
            503,
            "the layout request object "
                + name
                + " does not exist (yet): the operator creates it with the database");
      }
      current.setData(request.into(current.getData(), id));
      try {
        // An update carries the resourceVersion read: a concurrent write is a 409, not lost.
        client.resource(current).update();
        return id;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= WRITE_ATTEMPTS) {
          throw unavailable("cannot write the layout request " + name, e);
        }
      }
    }
  }

  /**
   * The operator's answer to request {@code id}, waiting at most {@code timeout}: 504 when none
   * came, 409 when another request replaced this one before the operator read it.
   */
  public LayoutRequest.Answer await(String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ConfigMap current = read();
      Map<String, String> data = current == null ? null : current.getData();
      LayoutRequest.Answer answer = LayoutRequest.Answer.of(data);
      if (answer != null && id.equals(answer.id())) {
        return answer;
      }
      if (data == null || !id.equals(data.get(LayoutRequest.ID_KEY))) {
        throw new ApiException(
            409,
            "another layout change replaced this one before the operator read it; send it again");
      }
      if (System.nanoTime() >= deadline) {
        throw new ApiException(
            504,
            "the operator did not answer the layout request within "
                + timeout.toSeconds()
                + " s (is it running?)");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "interrupted while waiting for the operator");
      }
    }
  }

  private ConfigMap read() {
    try {
      return object.get();
    } catch (KubernetesClientException e) {
      throw unavailable("cannot read the layout request " + name, e);
    }
  }

  private static ApiException unavailable(String what, KubernetesClientException e) {
    String detail =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return new ApiException(503, what + ": " + detail);
  }
}

package io.shardeddb.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The mock API server's CRUD mode plus what a real API server does to custom resources that a
 * structural CRD's schema does not describe: it drops their unknown fields (pruning) on create and
 * update, silently. Given an older CRD it behaves like a cluster where {@code helm upgrade} ran
 * without the new CRD being applied. Only POST and PUT bodies are pruned (the operator writes its
 * status with PUT); a merge patch is stored as sent.
 */
public final class PruningCrudDispatcher extends KubernetesCrudDispatcher {

  private final String plural;
  private final JSONSchemaProps root;

  /** Prunes resources of {@code crd}'s kind by its first version's schema. */
  public PruningCrudDispatcher(CustomResourceDefinition crd) {
    this.plural = "/" + crd.getSpec().getNames().getPlural();
    this.root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    return super.handleCreate(pruned(request));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return super.handleUpdate(pruned(request));
  }

  private RecordedRequest pruned(RecordedRequest request) {
    String path = request.getPath();
    if (path == null || !path.contains(plural)) {
      return request;
    }
    JsonNode body = Serialization.unmarshal(request.getUtf8Body(), JsonNode.class);
    for (String top : List.of("spec", "status")) {
      JsonNode node = body.get(top);
      if (node != null) {
        prune(node, root.getProperties().get(top));
      }
    }
    return new RecordedRequest(
        "HTTP/1.1",
        request.method(),
        path,
        request.getHeaders(),
        new Buffer().writeUtf8(Serialization.asJson(body)));
  }

  /** Removes from {@code node} every object key {@code schema} does not declare, recursively. */
  static void prune(JsonNode node, JSONSchemaProps schema) {
    if (schema == null || Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
      return;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      Map<String, JSONSchemaProps> properties = schema.getProperties();
      JSONSchemaProps values =
          schema.getAdditionalProperties() == null
              ? null
              : schema.getAdditionalProperties().getSchema();
      List<String> unknown = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (properties != null && properties.containsKey(field.getKey())) {
          prune(field.getValue(), properties.get(field.getKey()));
        } else if (schema.getAdditionalProperties() != null) {
          prune(field.getValue(), values);
        } else {
          unknown.add(field.getKey());
        }
      }
      object.remove(unknown);
    } else if (node.isArray() && schema.getItems() != null) {
      for (JsonNode element : node) {
        prune(element, schema.getItems().getSchema());
      }
    }
  }
}

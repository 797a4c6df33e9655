package io.shardeddb.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the ConfigMap that describes the database: schema, shard layout and write quorum. */
public final class ConfigModel {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ConfigModel() {}

  /** The ConfigMap; deterministic so an unchanged spec never causes an update. */
  public static ConfigMap configMap(DatabaseModel db) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("database", db.name());
    data.put("writeQuorum", db.spec().writeQuorumOrDefault().name());
    data.put("schema.json", json(db.spec().schema()));
    data.put("shards.json", json(db.shards()));
    return new ConfigMapBuilder()
        .withMetadata(
            PodParts.meta(
                db,
                ShardedDatabaseResources.configMapName(db.name()),
                Labels.component(db.name(), Labels.COMPONENT_CONFIG)))
        .withData(data)
        .build();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

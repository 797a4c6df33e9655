package io.shardeddb.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layout change the router asks for ({@code /init}, {@code /add}, {@code /rm}), as it travels in
 * the ConfigMap {@link ShardedDatabaseResources#layoutRequestName}: the router writes {@link
 * #ID_KEY} and {@link #LAYOUT_KEY}, the operator validates the layout, merges it into the spec and
 * writes {@link #ANSWER_KEY}. So the router needs no write access to the ShardedDatabase
 * (docs/security.md, "The router's layout changes").
 *
 * @param basedOnGeneration the ShardedDatabase generation the router planned from; the operator
 *     refuses a plan made from an older spec (it would undo a change made since)
 * @param schema the table (set once, by {@code /init})
 * @param shards every shard with its replica count
 * @param servers the assignment's server names and the shards each holds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LayoutRequest(
    long basedOnGeneration,
    SchemaSpec schema,
    List<ShardSpec> shards,
    Map<String, List<String>> servers) {

  /** The data key holding the request's id (a new one per request). */
  public static final String ID_KEY = "requestId";

  /** The data key holding the requested layout as JSON. */
  public static final String LAYOUT_KEY = "layout";

  /** The data key holding the operator's {@link Answer} as JSON. */
  public static final String ANSWER_KEY = "answer";

  /** The layout as stored under {@link #LAYOUT_KEY}. */
  public String toJson() {
    return Serialization.asJson(this);
  }

  /** The layout stored as {@code json}; throws when it is not one. */
  public static LayoutRequest parse(String json) {
    return Serialization.unmarshal(json, LayoutRequest.class);
  }

  /** How the operator dealt with a request. */
  public enum Outcome {
    /** Merged into the spec at {@link Answer#generation}. */
    Accepted,
    /** Not merged; the spec is untouched ({@link Answer#message} says why). */
    Refused
  }

  /**
   * The operator's answer to the request {@code id}.
   *
   * @param id the request answered
   * @param outcome accepted or refused
   * @param generation the ShardedDatabase generation that carries the layout (accepted only)
   * @param message what was done, or why not, in a sentence
   * @param time when (RFC 3339)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Answer(String id, Outcome outcome, Long generation, String message, String time) {

    /** The answer as stored under {@link #ANSWER_KEY}. */
    public String toJson() {
      return Serialization.asJson(this);
    }

    /** The answer in {@code data}, or null when there is none or it does not parse. */
    public static Answer of(Map<String, String> data) {
      String json = data == null ? null : data.get(ANSWER_KEY);
      if (json == null || json.isBlank()) {
        return null;
      }
      try {
        return Serialization.unmarshal(json, Answer.class);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** {@code data} with this request under the id {@code id} (the answer kept). */
  public Map<String, String> into(Map<String, String> data, String id) {
    Map<String, String> out = new LinkedHashMap<>(data == null ? Map.of() : data);
    out.put(ID_KEY, id);
    out.put(LAYOUT_KEY, toJson());
    return out;
  }
}

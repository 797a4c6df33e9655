package io.shardeddb.cli.resource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a ShardedDatabase YAML file before local mode starts anything, with the same rules the CRD
 * enforces in a cluster (kind, name, schema, non-overlapping shards, enums, bounds), so a bad file
 * fails at once with a message naming the field instead of a half-started system.
 */
public final class ResourceFileValidator {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

  /** Reads and validates the file; returns the resource or throws naming the problem. */
  public GenericKubernetesResource validate(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException(file + ": no such file");
    }
    GenericKubernetesResource r;
    try (InputStream in = Files.newInputStream(file)) {
      r = Serialization.unmarshal(in, GenericKubernetesResource.class);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRequestException(file + ": not a valid YAML resource: " + rootMessage(e));
    }
    if (r == null) {
      throw new InvalidRequestException(file + ": empty file");
    }
    if (!"ShardedDatabase".equals(r.getKind())) {
      throw new InvalidRequestException(
          file + ": kind must be ShardedDatabase, got '" + r.getKind() + "'");
    }
    if (!ShardedDatabase.API_VERSION.equals(r.getApiVersion())) {
      throw new InvalidRequestException(
          file
              + ": apiVersion must be "
              + ShardedDatabase.API_VERSION
              + ", got '"
              + r.getApiVersion()
              + "'");
    }
    String name = r.getMetadata() == null ? null : r.getMetadata().getName();
    if (name == null || !DNS_LABEL.matcher(name).matches()) {
      throw new InvalidRequestException(
          file
              + ": metadata.name '"
              + name
              + "' must be a DNS label (lower-case letters, digits,"
              + " '-', at most 40 characters)");
    }
    Map<String, Object> spec = map(r.getAdditionalProperties().get("spec"), "spec", file);
    if (spec == null) {
      throw new InvalidRequestException(file + ": spec is required");
    }
    checkSpec(file, name, spec);
    return r;
  }

  /**
   * The CRD's bound on spec.replicas ({@code @Max} on {@code ShardedDatabaseSpec.replicas}), so
   * local mode accepts what a cluster accepts; ResourceFileValidatorTest keeps them equal.
   */
  static final int MAX_REPLICAS = 9;

  private void checkSpec(Path file, String name, Map<String, Object> spec) {
    try {
      Object replicas = spec.get("replicas");
      if (replicas != null) {
        long n = (Long) ColumnType.Number.coerce("spec.replicas", replicas);
        if (n < 1 || n > MAX_REPLICAS) {
          throw new InvalidRequestException(
              "spec.replicas must be between 1 and " + MAX_REPLICAS + ", got " + n);
        }
      }
      Object quorum = spec.get("writeQuorum");
      if (quorum != null) {
        WriteQuorum q;
        try {
          q = WriteQuorum.valueOf(String.valueOf(quorum));
        } catch (IllegalArgumentException e) {
          throw new InvalidRequestException(
              "spec.writeQuorum must be Majority or All, got '" + quorum + "'");
        }
        if (q == WriteQuorum.One) {
          // As the CRD's rule and the operator's SpecValidator say.
          throw new InvalidRequestException(
              "spec.writeQuorum One is not allowed: a write the primary alone holds is lost with"
                  + " it; use Majority (or All)");
        }
      }
      Map<String, Object> schema = map(spec.get("schema"), "spec.schema", file);
      if (schema != null) {
        List<Column> columns = new ArrayList<>();
        Object cols = schema.get("columns");
        if (!(cols instanceof List<?> list)) {
          throw new InvalidRequestException("spec.schema.columns must be a list");
        }
        for (Object o : list) {
          Map<String, Object> c = map(o, "spec.schema.columns[]", file);
          columns.add(
              new Column(
                  String.valueOf(c.get("name")),
                  ColumnType.parse(String.valueOf(c.get("type"))),
                  c.get("nullable") instanceof Boolean b ? b : null,
                  c.get("default") == null ? null : String.valueOf(c.get("default")),
                  c.get("autoIncrement") instanceof Boolean b ? b : null));
        }
        List<io.shardeddb.protocol.schema.Index> indexes = new ArrayList<>();
        Object idx = schema.get("indexes");
        if (idx != null) {
          if (!(idx instanceof List<?> indexList)) {
            throw new InvalidRequestException("spec.schema.indexes must be a list");
          }
          for (Object o : indexList) {
            Map<String, Object> i = map(o, "spec.schema.indexes[]", file);
            if (!(i.get("columns") instanceof List<?> on)) {
              throw new InvalidRequestException(
                  "spec.schema.indexes[] " + i.get("name") + ": columns must be a list");
            }
            indexes.add(
                new io.shardeddb.protocol.schema.Index(
                    String.valueOf(i.get("name")), on.stream().map(String::valueOf).toList()));
          }
        }
        Object table = schema.getOrDefault("table", name.replace('-', '_'));
        Object primaryKey = schema.get("primaryKey");
        if (primaryKey != null && !(primaryKey instanceof List<?>)) {
          throw new InvalidRequestException("spec.schema.primaryKey must be a list of columns");
        }
        new TableSchema(
                String.valueOf(table),
                (String) schema.get("shardKey"),
                columns,
                indexes,
                primaryKey == null
                    ? null
                    : ((List<?>) primaryKey).stream().map(String::valueOf).toList())
            .validate()
            .requirePlaceableUnder(sharding(spec.get("sharding")));
      }
      Object shards = spec.get("shards");
      if (shards != null) {
        if (!(shards instanceof List<?> list)) {
          throw new InvalidRequestException("spec.shards must be a list");
        }
        List<ShardDoc> docs = new ArrayList<>();
        for (Object o : list) {
          Map<String, Object> s = map(o, "spec.shards[]", file);
          String id = String.valueOf(s.get("id"));
          if (!DNS_LABEL.matcher(id).matches()) {
            throw new InvalidRequestException(
                "spec.shards[].id '"
                    + id
                    + "' must be a DNS label (lower-case letters, digits, '-')");
          }
          docs.add(
              new ShardDoc(
                  (Long) ColumnType.Number.coerce("spec.shards[" + id + "].low", s.get("low")),
                  id,
                  (Long) ColumnType.Number.coerce("spec.shards[" + id + "].size", s.get("size"))));
        }
        new ShardMap<>(docs);
        if (!docs.isEmpty() && schema == null) {
          throw new InvalidRequestException("spec.shards needs spec.schema");
        }
      }
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(file + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String field, Path file) {
    if (o == null) {
      return null;
    }
    if (!(o instanceof Map<?, ?>)) {
      throw new InvalidRequestException(file + ": " + field + " must be an object");
    }
    return (Map<String, Object>) o;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  /** {@code spec.sharding} (null: the default), or a 400 naming the accepted values. */
  private static io.shardeddb.protocol.topology.Sharding sharding(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return io.shardeddb.protocol.topology.Sharding.valueOf(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("spec.sharding must be Range or Hash, not " + value);
    }
  }
}

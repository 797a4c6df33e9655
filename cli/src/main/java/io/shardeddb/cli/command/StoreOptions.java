package io.shardeddb.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code --from-store FILE} and the {@code --store-*} options: a backup store named without a
 * ShardedDatabase resource (docs/backup.md, "Disaster recovery: restore from the store alone"). The
 * file holds the fields of {@code spec.backup.store} (or a {@code spec.backup}, or a whole
 * ShardedDatabase manifest, whose {@code spec.backup.store} is taken); each {@code --store-*}
 * option sets its field, over the file's. The credentials and CA Secrets it names are read in the
 * command's namespace, as the operator reads them in the database's.
 */
public final class StoreOptions {
  @Option(
      names = "--from-store",
      paramLabel = "FILE",
      description =
          "read the backups from the store FILE describes, not from SOURCE's resource: the"
              + " fields of spec.backup.store (or a ShardedDatabase manifest naming one)")
  Path file;

  @Option(
      names = "--store-endpoint",
      paramLabel = "URL",
      description = "spec.backup.store.endpoint")
  String endpoint;

  @Option(names = "--store-region", paramLabel = "REGION", description = "spec.backup.store.region")
  String region;

  @Option(names = "--store-bucket", paramLabel = "BUCKET", description = "spec.backup.store.bucket")
  String bucket;

  @Option(names = "--store-prefix", paramLabel = "PREFIX", description = "spec.backup.store.prefix")
  String prefix;

  @Option(
      names = "--store-path-style",
      paramLabel = "BOOL",
      arity = "1",
      description = "spec.backup.store.pathStyle (default true)")
  Boolean pathStyle;

  @Option(
      names = "--store-credentials-secret",
      paramLabel = "SECRET",
      description = "spec.backup.store.credentialsSecret: a Secret in this namespace")
  String credentialsSecret;

  @Option(
      names = "--store-ca-secret",
      paramLabel = "SECRET",
      description = "spec.backup.store.caSecret: a Secret in this namespace")
  String caSecret;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The fields of {@code spec.backup.store}, as the CRD names them. */
  static final Set<String> FIELDS =
      Arrays.stream(BackupStoreSpec.class.getRecordComponents())
          .map(c -> c.getName())
          .collect(Collectors.toCollection(TreeSet::new));

  /** Whether a store was named here at all (else the command reads SOURCE's resource). */
  boolean given() {
    return file != null
        || endpoint != null
        || region != null
        || bucket != null
        || prefix != null
        || pathStyle != null
        || credentialsSecret != null
        || caSecret != null;
  }

  /** The store named; IllegalArgumentException naming what is wrong with the file or options. */
  BackupStoreSpec spec() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("--from-store " + file + " cannot be read: " + e, e);
      }
      fields.putAll(storeFields(text, "--from-store " + file));
    }
    put(fields, "endpoint", endpoint);
    put(fields, "region", region);
    put(fields, "bucket", bucket);
    put(fields, "prefix", prefix);
    put(fields, "pathStyle", pathStyle);
    put(fields, "credentialsSecret", credentialsSecret);
    put(fields, "caSecret", caSecret);
    return toSpec(fields, file == null ? "the --store-* options" : "--from-store " + file);
  }

  private static void put(Map<String, Object> fields, String name, Object value) {
    if (value != null) {
      fields.put(name, value);
    }
  }

  /**
   * The store's fields in {@code text} (YAML or JSON): the fields of {@code spec.backup.store}
   * themselves, or under {@code store:}, {@code backup: {store:}}, or a ShardedDatabase's {@code
   * spec: {backup: {store:}}}. {@code where} names the text in messages.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> storeFields(String text, String where) {
    Object parsed;
    try {
      parsed = YAML.readValue(text, Object.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not YAML: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          where + " must hold the fields of spec.backup.store (endpoint, bucket, ...)");
    }
    Map<String, Object> at = (Map<String, Object>) map;
    boolean within = false;
    for (String path : List.of("spec", "backup", "store")) {
      if (at.containsKey(path)) {
        if (!(at.get(path) instanceof Map<?, ?> inner)) {
          throw new IllegalArgumentException(where + ": '" + path + "' is not a map");
        }
        at = (Map<String, Object>) inner;
        within = true;
      } else if (within || map.containsKey("kind")) {
        throw new IllegalArgumentException(where + " has no spec.backup.store");
      }
    }
    return new LinkedHashMap<>(at);
  }

  /**
   * {@code fields} as a store; refused, naming them, when a field is not one of {@code
   * spec.backup.store}'s (a misspelled {@code credentialsSecret} would silently fall back to the
   * default credentials chain) or the bucket is missing.
   */
  static BackupStoreSpec toSpec(Map<String, Object> fields, String where) {
    Set<String> unknown = new TreeSet<>(fields.keySet());
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          where
              + ": "
              + String.join(", ", unknown)
              + (unknown.size() == 1 ? " is not a field" : " are not fields")
              + " of spec.backup.store (its fields: "
              + String.join(", ", FIELDS)
              + ")");
    }
    BackupStoreSpec spec;
    try {
      spec = YAML.convertValue(fields, BackupStoreSpec.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    if (spec.bucket() == null || spec.bucket().isBlank()) {
      throw new IllegalArgumentException(
          where + " names no bucket (spec.backup.store.bucket, or --store-bucket)");
    }
    return spec;
  }
}

package io.shardeddb.backup.resource;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Opens a database's backup store: the spec's endpoint and bucket, the Secret's access key, and the
 * CA Secret's {@code ca.crt} when the store has a private CA.
 */
public final class BackupStores {
  private BackupStores() {}

  /**
   * The store settings of {@code spec}, credentials read from its Secret in {@code namespace}; with
   * no Secret named, none (the SDK's default chain of this process: its cloud identity).
   */
  public static StoreSettings settings(
      KubernetesClient client, String namespace, BackupStoreSpec spec) {
    StoreSettings settings = withoutCa(client, namespace, spec);
    if (spec.caSecret() == null || spec.caSecret().isBlank()) {
      return settings;
    }
    Secret ca = client.secrets().inNamespace(namespace).withName(spec.caSecret()).get();
    if (ca == null) {
      throw new IllegalArgumentException(
          "the backup store's CA Secret " + namespace + "/" + spec.caSecret() + " does not exist");
    }
    String pem = value(ca, StoreSettings.SECRET_CA);
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException(
          "Secret " + spec.caSecret() + " needs key " + StoreSettings.SECRET_CA + " (PEM)");
    }
    return settings.withCa(pem);
  }

  private static StoreSettings withoutCa(
      KubernetesClient client, String namespace, BackupStoreSpec spec) {
    if (spec.credentialsSecret() == null || spec.credentialsSecret().isBlank()) {
      return new StoreSettings(
          spec.endpoint(),
          spec.region(),
          spec.bucket(),
          spec.prefix(),
          spec.pathStyleOrDefault(),
          null,
          null,
          spec.serverSideEncryption(),
          spec.kmsKeyId());
    }
    Secret secret =
        client.secrets().inNamespace(namespace).withName(spec.credentialsSecret()).get();
    if (secret == null) {
      throw new IllegalArgumentException(
          "the backup store's credentials Secret "
              + namespace
              + "/"
              + spec.credentialsSecret()
              + " does not exist");
    }
    String id = value(secret, StoreSettings.SECRET_ACCESS_KEY_ID);
    String key = value(secret, StoreSettings.SECRET_SECRET_ACCESS_KEY);
    if (id == null || key == null) {
      throw new IllegalArgumentException(
          "Secret "
              + spec.credentialsSecret()
              + " needs keys "
              + StoreSettings.SECRET_ACCESS_KEY_ID
              + " and "
              + StoreSettings.SECRET_SECRET_ACCESS_KEY);
    }
    return new StoreSettings(
        spec.endpoint(),
        spec.region(),
        spec.bucket(),
        spec.prefix(),
        spec.pathStyleOrDefault(),
        id,
        key,
        spec.serverSideEncryption(),
        spec.kmsKeyId());
  }

  public static BackupStore open(KubernetesClient client, String namespace, BackupStoreSpec spec) {
    return new BackupStore(settings(client, namespace, spec));
  }

  private static String value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> plain = secret.getStringData();
    return plain == null ? null : plain.get(key);
  }
}

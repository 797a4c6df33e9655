package io.shardeddb.backup.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.backup.StoreSettings;
import org.junit.jupiter.api.Test;

/**
 * The operator's and CLI's store settings: the access key from the named Secret, or none when the
 * spec names no Secret, so the SDK's default chain (the process's cloud identity) is asked.
 */
@EnableKubernetesMockClient(crud = true)
class BackupStoresTest {
  KubernetesClient client;

  @Test
  void theAccessKeyComesFromTheNamedSecret() {
    client
        .secrets()
        .inNamespace("ns")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("store")
                .endMetadata()
                .addToStringData(StoreSettings.SECRET_ACCESS_KEY_ID, "id")
                .addToStringData(StoreSettings.SECRET_SECRET_ACCESS_KEY, "key")
                .build())
        .create();
    StoreSettings s =
        BackupStores.settings(
            client, "ns", new BackupStoreSpec(null, "eu-west-1", "bkt", "p", true, "store"));

    assertThat(s.accessKeyId()).isEqualTo("id");
    assertThat(s.secretAccessKey()).isEqualTo("key");
    assertThat(s.bucket()).isEqualTo("bkt");
  }

  @Test
  void withoutACredentialsSecretNoKeyIsSetAndNoSecretIsRead() {
    StoreSettings s =
        BackupStores.settings(
            client,
            "ns",
            new BackupStoreSpec(null, "eu-west-1", "bkt", "p", false, null, "aws:kms", "alias/k"));

    assertThat(s.accessKeyId()).isNull();
    assertThat(s.secretAccessKey()).isNull();
    assertThat(s)
        .extracting(
            StoreSettings::region,
            StoreSettings::bucket,
            StoreSettings::prefix,
            StoreSettings::pathStyle,
            StoreSettings::serverSideEncryption,
            StoreSettings::kmsKeyId)
        .containsExactly("eu-west-1", "bkt", "p", false, "aws:kms", "alias/k");
  }

  @Test
  void theStoresCaComesFromTheCaSecretsCaCrtAndAMissingOneIsNamed() {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    client
        .secrets()
        .inNamespace("ns")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("store-ca")
                .endMetadata()
                .addToStringData(StoreSettings.SECRET_CA, pem)
                .build())
        .create();

    StoreSettings s =
        BackupStores.settings(
            client,
            "ns",
            new BackupStoreSpec(null, null, "bkt", "p", true, null, null, null, "store-ca"));

    assertThat(s.caPem()).isEqualTo(pem);
    assertThat(s.accessKeyId()).isNull();
    assertThatThrownBy(
            () ->
                BackupStores.settings(
                    client,
                    "ns",
                    new BackupStoreSpec(null, null, "bkt", "p", true, null, null, null, "nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the backup store's CA Secret ns/nope does not exist");
  }

  @Test
  void aNamedSecretThatIsMissingIsStillAnError() {
    assertThatThrownBy(
            () ->
                BackupStores.settings(
                    client, "ns", new BackupStoreSpec(null, null, "bkt", "", true, "gone")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ns/gone does not exist");
  }
}

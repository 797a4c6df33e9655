package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph, GCS interop, S3Proxy) where a database's archive
 * and base backups are kept; docs/backup.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupStoreSpec(
    @JsonPropertyDescription(
            "The S3 endpoint URL, e.g. http://minio.backup.svc:9000; absent: AWS S3 of the region.")
        String endpoint,
    @JsonPropertyDescription("The bucket's region (default us-east-1).") String region,
    @JsonPropertyDescription("The bucket; it must exist.") @Required String bucket,
    @JsonPropertyDescription(
            "A key prefix; each database keeps its objects under <prefix>/<database>/.")
        String prefix,
    @JsonPropertyDescription(
            "Path-style addressing (endpoint/bucket/key), which most S3-compatible servers need"
                + " (default true).")
        Boolean pathStyle,
    @JsonPropertyDescription(
            "The Secret in the database's namespace holding the access key: keys accessKeyId and"
                + " secretAccessKey. Absent: the AWS SDK's default credentials chain of each"
                + " process (a web identity token as IRSA gives it with spec.pods.serviceAccountName,"
                + " EKS Pod Identity, an instance role); docs/backup.md, \"Stores in clouds\".")
        String credentialsSecret,
    @JsonPropertyDescription(
            "Server-side encryption the store applies to every object it is sent:"
                + " AES256 (SSE-S3) or aws:kms (SSE-KMS, with kmsKeyId or the bucket's default"
                + " key). Absent: the bucket's default.")
        @Pattern("^(AES256|aws:kms)$")
        String serverSideEncryption,
    @JsonPropertyDescription(
            "The KMS key for serverSideEncryption aws:kms (key id, ARN or alias); absent: the"
                + " account's default key for S3.")
        String kmsKeyId,
    @JsonPropertyDescription(
            "A Secret in the database's namespace whose key ca.crt holds the PEM certificate(s)"
                + " of the CA that signed the store's TLS certificate (a private MinIO, Ceph or"
                + " S3Proxy over https). Shard-servers (mounted), the operator and kubectl-sdb"
                + " trust it besides the JVM's default CAs. Absent: the default CAs only.")
        String caSecret) {

  /** A store without server-side encryption settings. */
  public BackupStoreSpec(
      String endpoint,
      String region,
      String bucket,
      String prefix,
      Boolean pathStyle,
      String credentialsSecret) {
    this(endpoint, region, bucket, prefix, pathStyle, credentialsSecret, null, null);
  }

  /** A store whose TLS certificate the default CAs verify. */
  public BackupStoreSpec(
      String endpoint,
      String region,
      String bucket,
      String prefix,
      Boolean pathStyle,
      String credentialsSecret,
      String serverSideEncryption,
      String kmsKeyId) {
    this(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        credentialsSecret,
        serverSideEncryption,
        kmsKeyId,
        null);
  }

  /** Path-style addressing, default true. */
  public boolean pathStyleOrDefault() {
    return pathStyle == null || pathStyle;
  }
}

package io.shardeddb.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The backup store: an S3 bucket through the AWS SDK for Java v2. Uploads stream in parts of {@link
 * #PART_SIZE} (a multipart upload once an object outgrows one part), so memory stays bounded
 * whatever the shard's size; every failure becomes a {@link BackupStoreException} whose message
 * names the store and what to fix. Keys are relative to the settings' prefix.
 */
public final class BackupStore implements AutoCloseable {
  /** One part of a multipart upload held in memory at a time (S3's minimum is 5 MiB). */
  public static final int PART_SIZE = 8 * 1024 * 1024;

  /**
   * How long one attempt of a call to the store may take by default before it is abandoned and
   * retried on a new connection: an attempt hanging on a dead connection (a store that restarted,
   * or went away without closing it) delays the caller by at most this much after the store is
   * back, not by the whole call's time. An 8 MiB part must upload within it (about 0.6 MB/s).
   */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(15);

  /** Attempts of one call (the first and its retries, with the SDK's standard backoff). */
  public static final int ATTEMPTS = 3;

  private final StoreSettings settings;
  private final S3Client s3;

  public BackupStore(StoreSettings settings) {
    this(settings, DEFAULT_ATTEMPT_TIMEOUT);
  }

  /**
   * A client whose every call makes at most {@link #ATTEMPTS} attempts of at most {@code
   * attemptTimeout} each (the socket's read timeout too), with the standard backoff in between.
   */
  public BackupStore(StoreSettings settings, Duration attemptTimeout) {
    if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException(
          "the backup store's call attempt timeout must be positive, not " + attemptTimeout);
    }
    this.settings = settings;
    AwsCredentialsProvider credentials =
        settings.accessKeyId() == null || settings.accessKeyId().isBlank()
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    settings.accessKeyId(),
                    settings.secretAccessKey() == null ? "" : settings.secretAccessKey()));
    UrlConnectionHttpClient.Builder http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(attemptTimeout);
    if (settings.caPem() != null) {
      TrustManager[] trust = StoreTrust.withCa(settings.caPem());
      http.tlsTrustManagersProvider(() -> trust);
    }
    var builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(http)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build())
            // Checksums only where S3 requires them: S3-compatible servers (S3Proxy, older MinIO,
            // Ceph) do not all accept the trailing checksums newer SDKs send by default.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(ATTEMPTS)
                                .build())
                        .apiCallAttemptTimeout(attemptTimeout)
                        // Every attempt, and the backoff between them (at most 20 s each).
                        .apiCallTimeout(
                            attemptTimeout.multipliedBy(ATTEMPTS).plusSeconds(20L * ATTEMPTS)));
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    this.s3 = builder.build();
  }

  public StoreSettings settings() {
    return settings;
  }

  /** Fails with a clear message unless the bucket exists and these credentials may use it. */
  public void check() {
    call("check bucket", () -> s3.headBucket(b -> b.bucket(settings.bucket())));
    // HEAD answers 403 without a body; a listing proves read access with a message on refusal.
    call("list bucket", () -> s3.listObjectsV2(b -> b.bucket(settings.bucket()).maxKeys(1)));
  }

  /** Creates the bucket if it is missing (local mode's embedded store). */
  public void ensureBucket() {
    try {
      s3.headBucket(b -> b.bucket(settings.bucket()));
    } catch (NoSuchBucketException e) {
      call("create bucket", () -> s3.createBucket(b -> b.bucket(settings.bucket())));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        call("create bucket", () -> s3.createBucket(b -> b.bucket(settings.bucket())));
      } else {
        throw translate("check bucket", e);
      }
    } catch (SdkClientException e) {
      throw translate("check bucket", e);
    }
  }

  /**
   * Stores {@code body} under {@code key} with its checksums ({@link ObjectChecksums}): the store
   * verifies the body on arrival (Content-MD5), and every later read verifies it against the
   * SHA-256 it carries.
   */
  public void putBytes(String key, byte[] body) {
    call(
        "put " + key,
        () ->
            s3.putObject(
                b ->
                    encrypted(ObjectChecksums.on(b.bucket(settings.bucket()).key(full(key)), body)),
                RequestBody.fromBytes(body)));
  }

  /**
   * Stores {@code body} under {@code key} unless an object is there: true when this call wrote it.
   * Checks first, then asks the store to decide ({@code If-None-Match: *}, answered 412 when the
   * key exists). A store that ignores the header (S3Proxy's filesystem store does) or does not
   * implement it (501) leaves a window between the check and the put: its caller reads the object
   * back.
   */
  public boolean putIfAbsent(String key, byte[] body) {
    if (get(key).isPresent()) {
      return false;
    }
    try {
      s3.putObject(
          b ->
              encrypted(
                  ObjectChecksums.on(
                      b.bucket(settings.bucket()).key(full(key)).ifNoneMatch("*"), body)),
          RequestBody.fromBytes(body));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      if (e.statusCode() != 501) {
        throw translate("put " + key, e);
      }
    } catch (SdkClientException e) {
      throw translate("put " + key, e);
    }
    putBytes(key, body);
    return true;
  }

  /** The first key under {@code prefix} (relative to the settings' prefix), if there is one. */
  public Optional<String> firstKey(String prefix) {
    int strip = settings.prefix().isEmpty() ? 0 : settings.prefix().length() + 1;
    return call(
            "list " + prefix,
            () ->
                s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(full(prefix)).maxKeys(1)))
        .contents()
        .stream()
        .findFirst()
        .map(o -> o.key().substring(strip));
  }

  /**
   * Streams {@code in} to {@code key}: one request when it fits one part, else a multipart upload
   * (aborted on failure, so no half object is left behind). Returns the bytes written.
   */
  public long put(String key, InputStream in) {
    String full = full(key);
    try {
      byte[] first = in.readNBytes(PART_SIZE);
      if (first.length < PART_SIZE) {
        call(
            "put " + key,
            () ->
                s3.putObject(
                    b -> encrypted(b.bucket(settings.bucket()).key(full)),
                    RequestBody.fromBytes(first)));
        return first.length;
      }
      String uploadId =
          call(
                  "start upload " + key,
                  () ->
                      s3.createMultipartUpload(
                          b -> encrypted(b.bucket(settings.bucket()).key(full))))
              .uploadId();
      try {
        List<CompletedPart> parts = new ArrayList<>();
        long total = 0;
        byte[] part = first;
        int number = 1;
        while (part.length > 0) {
          int n = number;
          byte[] body = part;
          String etag =
              call(
                      "upload part " + n + " of " + key,
                      () ->
                          s3.uploadPart(
                              b ->
                                  b.bucket(settings.bucket())
                                      .key(full)
                                      .uploadId(uploadId)
                                      .partNumber(n)
                                      .contentLength((long) body.length),
                              RequestBody.fromBytes(body)))
                  .eTag();
          parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
          total += part.length;
          number++;
          part = in.readNBytes(PART_SIZE);
        }
        call(
            "complete upload " + key,
            () ->
                s3.completeMultipartUpload(
                    b ->
                        b.bucket(settings.bucket())
                            .key(full)
                            .uploadId(uploadId)
                            .multipartUpload(
                                CompletedMultipartUpload.builder().parts(parts).build())));
        return total;
      } catch (RuntimeException | IOException e) {
        try {
          s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(full).uploadId(uploadId));
        } catch (RuntimeException abort) {
          e.addSuppressed(abort);
        }
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the stream for " + key + ": " + e.getMessage(), e);
    }
  }

  /** {@code b} asking the store to encrypt the object at rest, as the settings say (else as is). */
  private PutObjectRequest.Builder encrypted(PutObjectRequest.Builder b) {
    if (settings.serverSideEncryption() != null) {
      b.serverSideEncryption(settings.serverSideEncryption());
      if (settings.kmsKeyId() != null) {
        b.ssekmsKeyId(settings.kmsKeyId());
      }
    }
    return b;
  }

  private CreateMultipartUploadRequest.Builder encrypted(CreateMultipartUploadRequest.Builder b) {
    if (settings.serverSideEncryption() != null) {
      b.serverSideEncryption(settings.serverSideEncryption());
      if (settings.kmsKeyId() != null) {
        b.ssekmsKeyId(settings.kmsKeyId());
      }
    }
    return b;
  }

  /**
   * The object at {@code key}, or empty when there is none; a body that does not match the SHA-256
   * it was stored with is an error ({@link ObjectChecksums#verify}), never returned.
   */
  public Optional<byte[]> get(String key) {
    try {
      var object =
          s3.getObject(
              b -> b.bucket(settings.bucket()).key(full(key)), ResponseTransformer.toBytes());
      return Optional.of(
          ObjectChecksums.verify(
              full(key), object.response().metadata(), object.asByteArray(), settings));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
        return Optional.empty();
      }
      throw translate("get " + key, e);
    } catch (SdkClientException e) {
      throw translate("get " + key, e);
    }
  }

  /**
   * A stream over the object at {@code key}; close it. Read to its end, it checks the body against
   * the SHA-256 the object was stored with and fails the last read on a mismatch.
   */
  public InputStream open(String key) {
    try {
      var in = s3.getObject(b -> b.bucket(settings.bucket()).key(full(key)));
      return ObjectChecksums.verifying(full(key), in.response().metadata(), in, settings);
    } catch (NoSuchKeyException e) {
      throw new BackupStoreException(
          BackupStoreException.Reason.ObjectNotFound,
          "no object " + full(key) + " in " + settings.describe(),
          e);
    } catch (S3Exception | SdkClientException e) {
      throw translate("get " + key, e);
    }
  }

  /** Every key under {@code prefix} (relative to the settings' prefix), in key order. */
  public List<String> list(String prefix) {
    List<String> out = new ArrayList<>();
    String full = full(prefix);
    String token = null;
    int strip = settings.prefix().isEmpty() ? 0 : settings.prefix().length() + 1;
    do {
      String t = token;
      ListObjectsV2Response page =
          call(
              "list " + prefix,
              () ->
                  s3.listObjectsV2(
                      ListObjectsV2Request.builder()
                          .bucket(settings.bucket())
                          .prefix(full)
                          .continuationToken(t)
                          .build()));
      for (S3Object o : page.contents()) {
        out.add(o.key().substring(strip));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  /** Deletes {@code key} (nothing when it is absent). */
  public void delete(String key) {
    call("delete " + key, () -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(full(key))));
  }

  private String full(String key) {
    return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
  }

  private <T> T call(String what, Supplier<T> work) {
    try {
      return work.get();
    } catch (S3Exception | SdkClientException e) {
      throw translate(what, e);
    }
  }

  private BackupStoreException translate(String what, RuntimeException e) {
    String where = settings.describe();
    if (e instanceof NoSuchBucketException
        || (e instanceof S3Exception s && s.statusCode() == 404 && what.contains("bucket"))) {
      return new BackupStoreException(
          BackupStoreException.Reason.BucketNotFound,
          "bucket '" + settings.bucket() + "' does not exist at " + where + " (" + what + ")",
          e);
    }
    if (e instanceof S3Exception s && (s.statusCode() == 403 || s.statusCode() == 401)) {
      return new BackupStoreException(
          BackupStoreException.Reason.StoreAccessDenied,
          "the backup store "
              + where
              + " refused the credentials (HTTP "
              + s.statusCode()
              + (s.awsErrorDetails() == null ? "" : ", " + s.awsErrorDetails().errorCode())
              + ") on "
              + what
              + ": check the access key in the credentials Secret",
          e);
    }
    if (e instanceof SdkClientException && untrusted(e)) {
      return new BackupStoreException(
          BackupStoreException.Reason.StoreUnreachable,
          "the backup store "
              + where
              + " presented a TLS certificate no trusted CA signed ("
              + what
              + ")"
              + (settings.caPem() == null
                  ? ": name its CA's Secret in spec.backup.store.caSecret (key ca.crt)"
                  : ": the CA in spec.backup.store.caSecret did not sign it either"),
          e);
    }
    if (e instanceof SdkClientException) {
      return new BackupStoreException(
          BackupStoreException.Reason.StoreUnreachable,
          "the backup store " + where + " is unreachable (" + what + "): " + e.getMessage(),
          e);
    }
    return new BackupStoreException(
        BackupStoreException.Reason.StoreError,
        "the backup store " + where + " failed to " + what + ": " + e.getMessage(),
        e);
  }

  /** Whether a certificate path check refused the store's TLS certificate. */
  private static boolean untrusted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertPathValidatorException
          || t instanceof java.security.cert.CertPathBuilderException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    s3.close();
  }
}

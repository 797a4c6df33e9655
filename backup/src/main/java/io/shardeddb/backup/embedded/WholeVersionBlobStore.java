package io.shardeddb.backup.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.Payload;
import org.jclouds.io.payloads.InputStreamPayload;

/**
 * The filesystem blob store with S3's read semantics: a GET that races a PUT, copy or delete of the
 * same key answers one whole version, its body with its own metadata (Content-Length, ETag, {@code
 * x-amz-meta-*}), as S3 does.
 *
 * <p>jclouds' filesystem store writes a version atomically (a temporary file, its extended
 * attributes, then a rename over the key's file), but reads one in steps by path: the attributes
 * (the metadata) and the size first, then it opens the file. A rename in between hands out the new
 * body under the old metadata, which the backup store rightly refuses ({@code ObjectDamaged}: "does
 * not match the SHA-256 it was stored with"); BackupArchiveTest once failed so polling {@code
 * state.json} while the archiver rewrote it. Here a read takes its key's read lock until the file
 * is open (an open file keeps its version whatever is renamed over or deleted after), and every
 * change of a key takes its write lock. A read of a key whose PUT is arriving waits for it and then
 * answers the new version, an order S3 allows too. Locks are striped by key; bucket-wide operations
 * (clearing or deleting a bucket) are not covered.
 */
final class WholeVersionBlobStore extends ForwardingBlobStore {
  private static final int STRIPES = 64;
  private final ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[STRIPES];

  WholeVersionBlobStore(BlobStore delegate) {
    super(delegate);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantReadWriteLock();
    }
  }

  private int stripe(String container, String name) {
    return Math.floorMod((container + '\u0000' + name).hashCode(), STRIPES);
  }

  private <T> T reading(String container, String name, Supplier<T> work) {
    Lock lock = locks[stripe(container, name)].readLock();
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  private <T> T changing(String container, String name, Supplier<T> work) {
    Lock lock = locks[stripe(container, name)].writeLock();
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Blob getBlob(String container, String name) {
    return reading(container, name, () -> opened(delegate().getBlob(container, name)));
  }

  @Override
  public Blob getBlob(String container, String name, GetOptions options) {
    return reading(container, name, () -> opened(delegate().getBlob(container, name, options)));
  }

  /**
   * {@code blob} with its body open: a payload that would open its file later (by path, perhaps
   * after another version replaced it) is opened now, under the key's read lock.
   */
  private static Blob opened(Blob blob) {
    if (blob == null || blob.getPayload() == null || !blob.getPayload().isRepeatable()) {
      return blob; // none, or already an open stream (what LocalBlobStore returns)
    }
    Payload lazy = blob.getPayload();
    try {
      InputStream in = lazy.openStream();
      Payload open = new InputStreamPayload(in);
      open.setContentMetadata(lazy.getContentMetadata());
      blob.setPayload(open);
      return blob;
    } catch (IOException e) {
      throw new UncheckedIOException("opening " + blob.getMetadata().getName(), e);
    }
  }

  @Override
  public BlobMetadata blobMetadata(String container, String name) {
    return reading(container, name, () -> delegate().blobMetadata(container, name));
  }

  @Override
  public String putBlob(String container, Blob blob) {
    return changing(
        container, blob.getMetadata().getName(), () -> delegate().putBlob(container, blob));
  }

  @Override
  public String putBlob(String container, Blob blob, PutOptions options) {
    return changing(
        container,
        blob.getMetadata().getName(),
        () -> delegate().putBlob(container, blob, options));
  }

  @Override
  public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
    return changing(
        mpu.containerName(), mpu.blobName(), () -> delegate().completeMultipartUpload(mpu, parts));
  }

  @Override
  public String copyBlob(
      String fromContainer,
      String fromName,
      String toContainer,
      String toName,
      CopyOptions options) {
    // Both keys' stripes, locked in index order (the same lock twice when they share one, it is
    // reentrant): two copies never wait for each other.
    int a = stripe(fromContainer, fromName);
    int b = stripe(toContainer, toName);
    Lock first = locks[Math.min(a, b)].writeLock();
    Lock second = locks[Math.max(a, b)].writeLock();
    first.lock();
    try {
      second.lock();
      try {
        return delegate().copyBlob(fromContainer, fromName, toContainer, toName, options);
      } finally {
        second.unlock();
      }
    } finally {
      first.unlock();
    }
  }

  @Override
  public void removeBlob(String container, String name) {
    changing(
        container,
        name,
        () -> {
          delegate().removeBlob(container, name);
          return null;
        });
  }

  @Override
  public void removeBlobs(String container, Iterable<String> names) {
    for (String name : names) {
      removeBlob(container, name);
    }
  }
}

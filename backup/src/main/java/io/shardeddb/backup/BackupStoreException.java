package io.shardeddb.backup;

/**
 * The backup store refused or could not be reached; the message says which (wrong credentials,
 * missing bucket, unreachable endpoint, missing object) in words a user can act on.
 */
public class BackupStoreException extends RuntimeException {
  private final Reason reason;

  /** Why the store failed, as a condition reason. */
  public enum Reason {
    StoreUnreachable,
    StoreAccessDenied,
    BucketNotFound,
    ObjectNotFound,
    /** An object's body does not match the checksum it was stored with. */
    ObjectDamaged,
    StoreError
  }

  public BackupStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

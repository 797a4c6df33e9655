package io.shardeddb.shardserver.http;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.storage.StorageException;
import java.util.List;

/**
 * The rules of a batch envelope (a list of 1 to {@link #MAX_ITEMS} items) and how one item's error
 * becomes its own result: the HTTP status the item would have got alone.
 */
final class BatchItems {
  /**
   * Items per {@code /write/batch} or {@code /read/batch}: a bound on one request's memory and on
   * how long one request holds a server thread; a router sends more as several batches.
   */
  static final int MAX_ITEMS = 1000;

  private BatchItems() {}

  /** The items of {@code field}: 400 when missing, empty or longer than {@code max}. */
  static <T> List<T> require(List<T> items, String field, int max) {
    if (items == null) {
      throw new InvalidRequestException("missing field '" + field + "'");
    }
    if (items.isEmpty()) {
      throw new InvalidRequestException("field '" + field + "' must list at least one item");
    }
    if (items.size() > max) {
      throw new InvalidRequestException(
          "field '"
              + field
              + "' lists "
              + items.size()
              + " items; a batch holds at most "
              + max
              + " (send the rest in another batch)");
    }
    return items;
  }

  /**
   * The status one item's error answers, as the exception handlers would for a single request: 400
   * bad input, the state error's own status (404, 409, 421, 503), 503 a database failure, 500
   * anything else.
   */
  static int status(RuntimeException e) {
    if (e instanceof InvalidRequestException) {
      return 400;
    }
    if (e instanceof ShardException s) {
      return s.status();
    }
    if (e instanceof StorageException) {
      return 503;
    }
    return 500;
  }
}

package io.shardeddb.router.shard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * How a {@code /write/batch} or {@code /read/batch} reply becomes each caller's own outcome: the
 * result at an item's position is what that item alone would have got — its response, or a {@link
 * ShardServerException} with the status and message the plain endpoint would have answered. Pure.
 */
final class BatchReplies {
  private BatchReplies() {}

  /** One item's outcome: exactly one of {@code value} and {@code error}. */
  record Outcome<R>(R value, ShardServerException error) {
    static <R> Outcome<R> ok(R value) {
      return new Outcome<>(value, null);
    }

    static <R> Outcome<R> failed(ShardServerException error) {
      return new Outcome<>(null, error);
    }
  }

  /**
   * Whether a whole-request failure of a batch means the shard-server has no batch endpoint (one
   * from before it existed answers 404, or 405 for a method it routes elsewhere): the items were
   * not looked at, so they may be sent one by one. The contract's whole-request failures are never
   * 404 or 405.
   */
  static boolean noBatchEndpoint(int status) {
    return status == 404 || status == 405;
  }

  /**
   * The outcome of each of {@code items} items from {@code results} (in the request's order), read
   * with {@code status}, {@code message} and {@code response}. A reply that does not hold one
   * well-formed result per item fails every item with 502 (retriable: each item keeps its request
   * id, so a retry is deduplicated), since which item got which outcome is then unknown.
   */
  static <X, R> List<Outcome<R>> split(
      String url,
      int items,
      List<X> results,
      ToIntFunction<X> status,
      Function<X, String> message,
      Function<X, R> response) {
    if (results == null || results.size() != items) {
      return all(
          url,
          items,
          malformed(
              url,
              "answered "
                  + (results == null ? "no" : results.size())
                  + " results for "
                  + items
                  + " items"));
    }
    List<Outcome<R>> out = new ArrayList<>(items);
    for (X result : results) {
      if (result == null) {
        return all(url, items, malformed(url, "answered a null result"));
      }
      int s = status.applyAsInt(result);
      if (s == 200) {
        R value = response.apply(result);
        if (value == null) {
          return all(url, items, malformed(url, "answered 200 without a response"));
        }
        out.add(Outcome.ok(value));
      } else {
        String m = message.apply(result);
        out.add(
            Outcome.failed(
                new ShardServerException(
                    url, s, m != null ? m : "shard-server " + url + " answered " + s)));
      }
    }
    return out;
  }

  private static String malformed(String url, String what) {
    return "shard-server " + url + " batch reply " + what;
  }

  /** Every item failed with 502 {@code message}, each with its own exception. */
  private static <R> List<Outcome<R>> all(String url, int items, String message) {
    List<Outcome<R>> out = new ArrayList<>(items);
    for (int i = 0; i < items; i++) {
      out.add(Outcome.failed(new ShardServerException(url, 502, message)));
    }
    return out;
  }
}

package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;
import java.util.List;

/**
 * {@code POST /import} on the destination shard's primary: copy the points {@code range} from the
 * source shard (a consistent snapshot of the range from the source's primary, then its log filtered
 * to the range) and keep applying the source's log until told to stop. {@code sourceUrls} are the
 * source's replicas, its primary first; the import only reads from a replica that says it is the
 * source's primary at {@code sourceEpoch} or later, and starts over (dropping what it imported)
 * when the source's epoch changes. Repeating the same request is a no-op; a different one for the
 * same {@code moveId} replaces it. {@code sources} names the pod and certificate host at each
 * source URL (absent from an older operator: the source is then checked by chain and role only).
 */
@Serdeable
public record ImportRequest(
    String moveId,
    String sourceShard,
    List<String> sourceUrls,
    PointRange range,
    List<ImportSource> sources) {

  /** A request naming the source's URLs only (an older operator's). */
  public ImportRequest(
      String moveId, String sourceShard, List<String> sourceUrls, PointRange range) {
    this(moveId, sourceShard, sourceUrls, range, null);
  }
}

package io.shardeddb.shardserver.datastream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.time.TimestampRequest;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.http.BatchController;
import io.shardeddb.shardserver.http.ShardController;
import io.shardeddb.shardserver.storage.StorageException;
import io.shardeddb.shardserver.time.TimestampController;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data call of the stream, run by the HTTP endpoint's own controller method ({@link
 * ShardController#write}, {@link BatchController#writeBatch}, {@link ShardController#read}, {@link
 * BatchController#readBatch}, {@link ShardController#update}, {@link ShardController#delete},
 * {@link ShardController#txn}, {@link TimestampController#timestamps}) on the body the endpoint
 * would have decoded, with the {@code X-Shard-Owned} value it would have read: the same validation,
 * ownership (421), dedup by request id, quorum wait and outcomes. A failure becomes the status the
 * endpoint's exception handlers answer ({@link #status}). Blocking: never called on an event loop.
 */
@Singleton
public class DataCalls {
  private static final Logger LOG = LoggerFactory.getLogger(DataCalls.class);
  private static final Argument<Map<String, Object>> MAP =
      Argument.mapOf(String.class, Object.class);

  private final ShardController single;
  private final BatchController batches;
  private final TimestampController timestamps;
  private final JsonMapper json;
  private final MeterRegistry registry;

  public DataCalls(
      ShardController single,
      BatchController batches,
      TimestampController timestamps,
      JsonMapper json,
      MeterRegistry registry) {
    this.single = single;
    this.batches = batches;
    this.timestamps = timestamps;
    this.json = json;
    this.registry = registry;
  }

  /** A call's failure: the status and message its HTTP endpoint would have answered. */
  public static final class Failed extends RuntimeException {
    private final int status;
    private final long epoch;

    Failed(int status, String message, long epoch) {
      super(message, null, false, false);
      this.status = status;
      this.epoch = epoch;
    }

    public int status() {
      return status;
    }

    public long epoch() {
      return epoch;
    }
  }

  /**
   * Runs {@code op} on {@code body} (the endpoint's JSON) with {@code owned}; the JSON of its 200
   * answer, or {@link Failed}.
   */
  public byte[] call(byte op, String owned, byte[] body) {
    long start = System.nanoTime();
    try {
      Object answer =
          switch (op) {
            case DataFrames.WRITE -> single.write(decode(body, ShardWriteRequest.class), owned);
            case DataFrames.WRITE_BATCH ->
                batches.writeBatch(decode(body, ShardWriteBatchRequest.class), owned);
            case DataFrames.READ -> single.read(decodeMap(body), owned);
            case DataFrames.READ_BATCH ->
                batches.readBatch(decode(body, ShardReadBatchRequest.class), owned);
            case DataFrames.UPDATE -> single.update(decodeMap(body), owned);
            case DataFrames.DELETE -> single.delete(decodeMap(body), owned);
            case DataFrames.TXN -> single.txn(decode(body, ShardTxnRequest.class), owned);
            case DataFrames.TIMESTAMPS ->
                timestamps.timestamps(decode(body, TimestampRequest.class));
            default -> throw new InvalidRequestException(DataFrames.UNKNOWN_CALL + op);
          };
      return json.writeValueAsBytes(answer);
    } catch (Failed e) {
      throw e;
    } catch (ShardException e) {
      throw new Failed(e.status(), e.getMessage(), e.epoch());
    } catch (InvalidRequestException e) {
      throw new Failed(400, e.getMessage(), -1);
    } catch (StorageException e) {
      throw new Failed(503, e.getMessage(), -1);
    } catch (IOException e) {
      throw new Failed(500, "could not encode the answer: " + e.getMessage(), -1);
    } catch (RuntimeException e) {
      LOG.warn("data stream call {} failed unexpectedly", DataFrames.endpoint(op), e);
      throw new Failed(500, "Internal Server Error: " + e.getMessage(), -1);
    } finally {
      Timer.builder("shardeddb.datastream.call")
          .description("one data call over the router's data stream, inside the shard-server")
          .tag("op", DataFrames.endpoint(op))
          .register(registry)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private <T> T decode(byte[] body, Class<T> type) {
    try {
      T value = json.readValue(body, Argument.of(type));
      if (value == null) {
        throw new Failed(400, "request body must be a JSON object", -1);
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof Failed f) {
        throw f;
      }
      throw new Failed(400, "Invalid JSON: " + e.getMessage(), -1);
    }
  }

  private Map<String, Object> decodeMap(byte[] body) {
    Map<String, Object> map;
    try {
      map = json.readValue(body, MAP);
    } catch (IOException | RuntimeException e) {
      throw new Failed(400, "Invalid JSON: " + e.getMessage(), -1);
    }
    if (map == null) {
      throw new Failed(400, "request body must be a JSON object", -1);
    }
    return map;
  }
}

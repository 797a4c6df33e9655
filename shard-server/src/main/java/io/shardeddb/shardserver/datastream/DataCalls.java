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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data call of the stream, run by the HTTP endpoint's own controller method ({@link
 * ShardController#write}, {@link BatchController#writeBatch}, {@link ShardController#read}, {@link
 * BatchController#readBatch}, {@link ShardController#update}, {@link ShardController#delete},
 * {@link ShardController#txn}, {@link TimestampController#timestamps}) on the body the endpoint
 * would have decoded, with the {@code X-Shard-Owned} value it would have read: the same validation,
 * ownership (421), dedup by request id, quorum wait and outcomes — whether the body came as the
 * endpoint's JSON ({@link #call}) or typed ({@link #typed}, issue 48). A failure becomes the status
 * the endpoint's exception handlers answer ({@link Failed}). Blocking: never called on an event
 * loop.
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
  private final Map<Byte, Timer> timers = new ConcurrentHashMap<>();

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
   * Runs {@code op} on {@code body} (the endpoint's JSON, a {@link DataFrames#CALL}'s) with {@code
   * owned}; the JSON of its 200 answer, or {@link Failed}.
   */
  public byte[] call(byte op, String owned, byte[] body) {
    Object answer = run(op, owned, () -> decodeJson(op, body));
    try {
      return json.writeValueAsBytes(answer);
    } catch (IOException e) {
      throw new Failed(500, "could not encode the answer: " + e.getMessage(), -1);
    }
  }

  /**
   * Runs {@code op} on {@code body} (what {@link io.shardeddb.protocol.stream.DataBodies} read from
   * a {@link DataFrames#TYPED_CALL}: the object the endpoint's JSON reader would have made) with
   * {@code owned}; its 200 answer, or {@link Failed}.
   */
  public Object typed(byte op, String owned, Object body) {
    return run(
        op,
        owned,
        () -> {
          if (body == null) {
            throw new Failed(400, "request body must be a JSON object", -1);
          }
          return body;
        });
  }

  /** The JSON of a typed call's answer (when the answer holds a value without a typed encoding). */
  public byte[] json(Object answer) throws IOException {
    return json.writeValueAsBytes(answer);
  }

  @SuppressWarnings("unchecked")
  private Object run(byte op, String owned, Supplier<Object> decoded) {
    long start = System.nanoTime();
    try {
      Object body = decoded.get();
      return switch (op) {
        case DataFrames.WRITE -> single.write((ShardWriteRequest) body, owned);
        case DataFrames.WRITE_BATCH -> batches.writeBatch((ShardWriteBatchRequest) body, owned);
        case DataFrames.READ -> single.read((Map<String, Object>) body, owned);
        case DataFrames.READ_BATCH -> batches.readBatch((ShardReadBatchRequest) body, owned);
        case DataFrames.UPDATE -> single.update((Map<String, Object>) body, owned);
        case DataFrames.DELETE -> single.delete((Map<String, Object>) body, owned);
        case DataFrames.TXN -> single.txn((ShardTxnRequest) body, owned);
        case DataFrames.TIMESTAMPS -> timestamps.timestamps((TimestampRequest) body);
        default -> throw new InvalidRequestException(DataFrames.UNKNOWN_CALL + op);
      };
    } catch (Failed e) {
      throw e;
    } catch (ShardException e) {
      throw new Failed(e.status(), e.getMessage(), e.epoch());
    } catch (InvalidRequestException e) {
      throw new Failed(400, e.getMessage(), -1);
    } catch (StorageException e) {
      throw new Failed(503, e.getMessage(), -1);
    } catch (RuntimeException e) {
      LOG.warn("data stream call {} failed unexpectedly", DataFrames.endpoint(op), e);
      throw new Failed(500, "Internal Server Error: " + e.getMessage(), -1);
    } finally {
      timer(op).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** The body of {@code op} as its endpoint's JSON reader makes it. */
  private Object decodeJson(byte op, byte[] body) {
    return switch (op) {
      case DataFrames.WRITE -> decode(body, ShardWriteRequest.class);
      case DataFrames.WRITE_BATCH -> decode(body, ShardWriteBatchRequest.class);
      case DataFrames.READ_BATCH -> decode(body, ShardReadBatchRequest.class);
      case DataFrames.READ, DataFrames.UPDATE, DataFrames.DELETE -> decodeMap(body);
      case DataFrames.TXN -> decode(body, ShardTxnRequest.class);
      case DataFrames.TIMESTAMPS -> decode(body, TimestampRequest.class);
      default -> throw new InvalidRequestException(DataFrames.UNKNOWN_CALL + op);
    };
  }

  /** The timer of {@code op}'s calls, registered on its first call. */
  private Timer timer(byte op) {
    return timers.computeIfAbsent(
        op,
        o ->
            Timer.builder("shardeddb.datastream.call")
                .description("one data call over the router's data stream, inside the shard-server")
                .tag("op", DataFrames.endpoint(o))
                .register(registry));
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

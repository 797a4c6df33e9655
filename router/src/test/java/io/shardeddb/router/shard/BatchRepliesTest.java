package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse.Result;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each caller of a batch gets what its own request would have got. */
class BatchRepliesTest {
  private static final String URL = "http://127.0.0.9:8080";

  private static List<BatchReplies.Outcome<ShardWriteResponse>> split(int n, List<Result> r) {
    return BatchReplies.split(
        URL, n, r, Result::status, Result::message, ShardWriteBatchResponse.Result::response);
  }

  @Test
  void eachItemGetsItsOwnResponseOrItsOwnFailure() {
    ShardWriteResponse ok = new ShardWriteResponse("1 Data entries added", null, "success", 7L, 2L);
    List<BatchReplies.Outcome<ShardWriteResponse>> out =
        split(
            3,
            List.of(
                Result.ok(ok),
                Result.failed(409, "Duplicate entry '5' for key 'PRIMARY'"),
                Result.failed(503, "write quorum not reached")));

    assertThat(out.get(0).value()).isEqualTo(ok);
    assertThat(out.get(0).error()).isNull();
    ShardServerException dup = out.get(1).error();
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.getMessage()).isEqualTo("Duplicate entry '5' for key 'PRIMARY'");
    assertThat(dup.retriable()).isFalse();
    assertThat(dup.url()).isEqualTo(URL);
    assertThat(out.get(2).error().status()).isEqualTo(503);
    assertThat(out.get(2).error().retriable()).isTrue();
  }

  @Test
  void notPrimaryAndNotOwnedKeepTheirMeaning() {
    List<BatchReplies.Outcome<ShardWriteResponse>> out =
        split(2, List.of(Result.failed(409, "not primary: sh1-1"), Result.failed(421, "moved")));

    assertThat(out.get(0).error().retriable()).isTrue();
    assertThat(out.get(1).error().notOwned()).isTrue();
  }

  @Test
  void aReplyThatDoesNotMatchTheItemsFailsEveryItemRetriably() {
    List<BatchReplies.Outcome<ShardWriteResponse>> out = split(3, List.of(Result.failed(409, "x")));
    assertThat(out).hasSize(3);
    assertThat(out)
        .allSatisfy(
            o -> {
              assertThat(o.error().status()).isEqualTo(502);
              assertThat(o.error().retriable()).isTrue();
              assertThat(o.error().getMessage()).contains("1 results for 3 items");
            });

    assertThat(split(2, List.of(Result.ok(null), Result.failed(409, "x"))))
        .allSatisfy(o -> assertThat(o.error().status()).isEqualTo(502));
    assertThat(split(1, null)).allSatisfy(o -> assertThat(o.error().status()).isEqualTo(502));
  }

  @Test
  void aFailureWithoutMessageStillSaysWhoAnsweredWhat() {
    ShardServerException e = split(1, List.of(Result.failed(400, null))).get(0).error();
    assertThat(e.getMessage()).isEqualTo("shard-server " + URL + " answered 400");
  }

  @Test
  void onlyNotFoundAndMethodNotAllowedMeanTheEndpointIsMissing() {
    assertThat(BatchReplies.noBatchEndpoint(404)).isTrue();
    assertThat(BatchReplies.noBatchEndpoint(405)).isTrue();
    for (int status : new int[] {0, 400, 401, 409, 421, 500, 503}) {
      assertThat(BatchReplies.noBatchEndpoint(status)).as("%d", status).isFalse();
    }
  }

  @Test
  void aRefusingServerGetsNoBatchesForAWhileThenIsTriedAgain() {
    BatchSupport support = new BatchSupport(1_000);
    assertThat(support.allowed("a", 0)).isTrue();
    support.refused("a", 10);
    assertThat(support.allowed("a", 500)).isFalse();
    assertThat(support.allowed("b", 500)).isTrue();
    assertThat(support.allowed("a", 1_010)).isTrue();
    assertThat(support.allowed("a", 1_011)).isTrue();
  }
}

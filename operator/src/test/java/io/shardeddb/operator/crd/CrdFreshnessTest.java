package io.shardeddb.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class CrdFreshnessTest {

  private static JsonNode json(String s) {
    return Serialization.unmarshal(s.replace('\'', '"'), JsonNode.class);
  }

  @Test
  void aStatusStoredWholeSaysNothing() {
    JsonNode status =
        json("{'applied':{'sharding':'Hash','shards':[{'id':'sh1'}]},'phase':'Ready'}");
    assertThat(CrdFreshness.check(status, status.deepCopy())).isEmpty();
  }

  @Test
  void fieldsSentButNotStoredAreNamedWithTheCrdAndTheCommandThatFixesIt() {
    JsonNode written =
        json(
            "{'applied':{'sharding':'Hash','shards':[{'id':'sh1','low':0}]},"
                + "'resharding':{'moves':[{'id':'m'}]},'shards':[{'id':'sh1','epoch':2}]}");
    JsonNode stored =
        json("{'applied':{'shards':[{'id':'sh1','low':0}]},'shards':[{'id':'sh1','epoch':2}]}");

    assertThat(CrdFreshness.check(written, stored))
        .hasValueSatisfying(
            o -> {
              assertThat(o.fields())
                  .containsExactly("status.applied.sharding", "status.resharding");
              assertThat(o.message())
                  .contains("shardeddatabases.shardeddb.io")
                  .contains("kubectl apply --server-side -f crds/")
                  .contains("crds/without-cel/");
            });
  }

  @Test
  void nullsAndChangedValuesAreNoSignOfPruning() {
    JsonNode written = json("{'resharding':null,'phase':'Ready','shards':[{'id':'a','epoch':3}]}");
    JsonNode stored = json("{'phase':'Degraded','shards':[{'id':'a','epoch':4}]}");
    assertThat(CrdFreshness.check(written, stored)).isEmpty();
  }

  @Test
  void aFieldDroppedInsideArrayElementsIsNamedOnce() {
    JsonNode written = json("{'shards':[{'id':'a','lag':1},{'id':'b','lag':2}]}");
    JsonNode stored = json("{'shards':[{'id':'a'},{'id':'b'}]}");
    assertThat(CrdFreshness.check(written, stored))
        .hasValueSatisfying(o -> assertThat(o.fields()).containsExactly("status.shards[].lag"));
  }
}

package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /read} with a {@code filter}: evaluated by MySQL as a parameterized WHERE clause
 * (values stay data, whatever they hold), binary for text, paged in key order, validated against
 * the schema; and {@code "count": true}. Also the acknowledgement counts of a write's reply. One
 * replica (the primary of a one-replica shard) over real HTTP and a real MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadFilterTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["id","name","marks","gpa","active"],
                 "dtypes":["Number","String","Number","Decimal","Boolean"]},
       "shards":["sh1"], "table":"people", "shardKey":"id", "low":0, "size":1000}
      """;

  private Replica server;
  private String url;

  @BeforeAll
  void start() {
    server = Replica.start("Filter0", "filter_" + UUID.randomUUID().toString().substring(0, 8));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(url + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Http.Reply w =
        Http.post(
            url + "/write",
            """
            {"shard":"sh1","data":[
              {"id":1,"name":"alice","marks":90,"gpa":"3.5","active":true},
              {"id":2,"name":"Alice","marks":40,"gpa":"2.25","active":false},
              {"id":3,"name":"bob","marks":70,"gpa":"3.0","active":true},
              {"id":4,"name":"a ","marks":55,"gpa":"1.0000000001","active":false},
              {"id":5,"name":"a","marks":65,"gpa":"4","active":true},
              {"id":6,"name":"x' OR '1'='1","marks":10,"gpa":"0","active":false},
              {"id":7,"name":"50%_off!","marks":80,"gpa":"3.75","active":true},
              {"id":8,"name":"é","marks":20,"gpa":"1","active":true}]}
            """);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Http.Reply read(String filter, String extra) {
    return Http.post(
        url + "/read",
        "{\"shard\":\"sh1\",\"id\":{\"low\":0,\"high\":999},\"filter\":" + filter + extra + "}");
  }

  private List<Long> ids(String filter) {
    Http.Reply r = read(filter, "");
    assertThat(r.status()).as(filter + " -> " + r.raw()).isEqualTo(200);
    return ids(r.json().get("data"));
  }

  private static List<Long> ids(JsonNode rows) {
    List<Long> out = new ArrayList<>();
    if (rows != null) {
      rows.forEach(row -> out.add(row.get("id").asLong()));
    }
    return out;
  }

  @Test
  @DisplayName("each operator keeps exactly the matching rows, in key order")
  void operatorsFilterInMySql() {
    assertThat(ids("{\"op\":\">\",\"column\":\"marks\",\"values\":[60]}"))
        .containsExactly(1L, 3L, 5L, 7L);
    assertThat(ids("{\"op\":\"<>\",\"column\":\"marks\",\"values\":[90]}"))
        .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(ids("{\"op\":\"in\",\"column\":\"marks\",\"values\":[10,20,\"70\"]}"))
        .containsExactly(3L, 6L, 8L);
    assertThat(ids("{\"op\":\"not between\",\"column\":\"marks\",\"values\":[20,80]}"))
        .containsExactly(1L, 6L);
    assertThat(ids("{\"op\":\">=\",\"column\":\"gpa\",\"values\":[\"3.5\"]}"))
        .containsExactly(1L, 5L, 7L);
    assertThat(ids("{\"op\":\">\",\"column\":\"gpa\",\"values\":[\"1.0000000000\"]}"))
        .containsExactly(1L, 2L, 3L, 4L, 5L, 7L);
    assertThat(ids("{\"op\":\"=\",\"column\":\"active\",\"values\":[false]}"))
        .containsExactly(2L, 4L, 6L);
    assertThat(ids("{\"op\":\"is not null\",\"column\":\"name\"}")).hasSize(8);
    assertThat(ids("{\"op\":\"is null\",\"column\":\"name\"}")).isEmpty();
    assertThat(
            ids(
                """
                {"op":"or","of":[
                  {"op":"and","of":[{"op":">","column":"marks","values":[60]},
                                    {"op":"=","column":"active","values":[true]}]},
                  {"op":"=","column":"id","values":[2]}]}
                """))
        .containsExactly(1L, 2L, 3L, 5L, 7L);
  }

  @Test
  @DisplayName("text compares by its bytes: case-sensitive, trailing spaces count, code points")
  void textIsBinary() {
    assertThat(ids("{\"op\":\"=\",\"column\":\"name\",\"values\":[\"alice\"]}"))
        .containsExactly(1L);
    assertThat(ids("{\"op\":\"=\",\"column\":\"name\",\"values\":[\"a\"]}")).containsExactly(5L);
    assertThat(ids("{\"op\":\"<>\",\"column\":\"name\",\"values\":[\"a\"]}"))
        .containsExactly(1L, 2L, 3L, 4L, 6L, 7L, 8L);
    // Upper case and digits sort before lower case, 'a' before 'a ', and 'é' (U+00E9) after
    // every ASCII letter.
    assertThat(ids("{\"op\":\"<\",\"column\":\"name\",\"values\":[\"a\"]}"))
        .containsExactly(2L, 7L);
    assertThat(ids("{\"op\":\">\",\"column\":\"name\",\"values\":[\"z\"]}")).containsExactly(8L);
    assertThat(ids("{\"op\":\"like\",\"column\":\"name\",\"values\":[\"a%\"]}"))
        .containsExactly(1L, 4L, 5L);
    assertThat(ids("{\"op\":\"like\",\"column\":\"name\",\"values\":[\"_\"]}"))
        .containsExactly(5L, 8L);
    assertThat(ids("{\"op\":\"like\",\"column\":\"name\",\"values\":[\"50\\\\%\\\\_off!\"]}"))
        .containsExactly(7L);
    assertThat(ids("{\"op\":\"like\",\"column\":\"name\",\"values\":[\"%!\"]}"))
        .containsExactly(7L);
    assertThat(ids("{\"op\":\"not like\",\"column\":\"name\",\"values\":[\"%a%\"]}"))
        .containsExactly(2L, 3L, 6L, 7L, 8L);
  }

  @Test
  @DisplayName("injection attempts as values stay data; the table and its rows are untouched")
  void injectionAttemptsStayData() {
    assertThat(ids("{\"op\":\"=\",\"column\":\"name\",\"values\":[\"x' OR '1'='1\"]}"))
        .containsExactly(6L);
    assertThat(ids("{\"op\":\"=\",\"column\":\"name\",\"values\":[\"' OR '1'='1\"]}")).isEmpty();
    assertThat(
            ids(
                "{\"op\":\"in\",\"column\":\"name\",\"values\":[\"a'); DROP TABLE user_people;"
                    + " --\",\"bob\"]}"))
        .containsExactly(3L);
    assertThat(ids("{\"op\":\"like\",\"column\":\"name\",\"values\":[\"%' OR 1=1 -- \"]}"))
        .isEmpty();
    Http.Reply column = read("{\"op\":\"=\",\"column\":\"name` OR 1=1 -- \",\"values\":[1]}", "");
    assertThat(column.status()).as(column.raw()).isEqualTo(400);
    assertThat(column.message()).contains("unknown column 'name` OR 1=1 -- '");
    Http.Reply all = read("{\"op\":\"is not null\",\"column\":\"id\"}", ",\"count\":true");
    assertThat(all.json().get("count").asLong()).isEqualTo(8);
  }

  @Test
  @DisplayName("pages of a filtered read hold only matching rows and go on from 'next'")
  void filteredReadsPage() {
    String filter = "{\"op\":\"=\",\"column\":\"active\",\"values\":[true]}";
    List<Long> seen = new ArrayList<>();
    long low = 0;
    for (int page = 0; page < 20; page++) {
      Http.Reply r =
          Http.post(
              url + "/read",
              "{\"shard\":\"sh1\",\"id\":{\"low\":"
                  + low
                  + ",\"high\":999},\"limit\":2,\"filter\":"
                  + filter
                  + "}");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      List<Long> got = ids(r.json().get("data"));
      assertThat(got).hasSizeLessThanOrEqualTo(2);
      seen.addAll(got);
      if (!r.json().hasNonNull("next")) {
        break;
      }
      low = r.json().get("next").asLong();
    }
    assertThat(seen).containsExactly(1L, 3L, 5L, 7L, 8L);
  }

  @Test
  @DisplayName("count: true answers how many rows of the range match the filter")
  void countsOnTheShard() {
    Http.Reply r =
        Http.post(
            url + "/read",
            "{\"shard\":\"sh1\",\"id\":{\"low\":2,\"high\":7},\"count\":true,"
                + "\"filter\":{\"op\":\">=\",\"column\":\"marks\",\"values\":[55]}}");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.json().get("count").asLong()).isEqualTo(4);
    assertThat(ids(r.json().get("data"))).isEmpty();
    Http.Reply unfiltered =
        Http.post(url + "/read", "{\"shard\":\"sh1\",\"id\":{\"low\":0,\"high\":999},\"count\":1}");
    assertThat(unfiltered.status()).isEqualTo(400);
    assertThat(unfiltered.message()).contains("'count' must be true or false");
  }

  @Test
  @DisplayName("a bad filter is a 400 naming what is wrong")
  void badFiltersAre400() {
    List<String[]> bad =
        List.of(
            new String[] {"{\"op\":\"=\",\"column\":\"nope\",\"values\":[1]}", "unknown column"},
            new String[] {"{\"op\":\"~\",\"column\":\"marks\",\"values\":[1]}", "the operators"},
            new String[] {"{\"op\":\"=\",\"column\":\"marks\",\"values\":[\"x\"]}", "marks"},
            new String[] {"{\"op\":\"=\",\"column\":\"marks\",\"values\":[1,2]}", "exactly 1"},
            new String[] {"{\"op\":\"between\",\"column\":\"marks\",\"values\":[1]}", "exactly 2"},
            new String[] {"{\"op\":\"in\",\"column\":\"marks\",\"values\":[]}", "at least one"},
            new String[] {"{\"op\":\"=\",\"column\":\"marks\",\"values\":[null]}", "null"},
            new String[] {"{\"op\":\"like\",\"column\":\"marks\",\"values\":[\"1%\"]}", "String"},
            new String[] {"{\"op\":\"and\",\"of\":[]}", "non-empty list"},
            new String[] {"{\"op\":\"and\",\"of\":[1]}", "must be an object"},
            new String[] {"\"marks > 1\"", "must be an object"},
            new String[] {
              "{\"op\":\"=\",\"column\":\"marks\",\"values\":[1],\"sql\":\"1\"}", "sql"
            });
    for (String[] b : bad) {
      Http.Reply r = read(b[0], "");
      assertThat(r.status()).as(b[0] + " -> " + r.raw()).isEqualTo(400);
      assertThat(r.message()).as(b[0]).contains(b[1]);
    }
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      deep.append("{\"op\":\"and\",\"of\":[");
    }
    deep.append("{\"op\":\"is null\",\"column\":\"name\"}").append("]}".repeat(70));
    Http.Reply r = read(deep.toString(), "");
    assertThat(r.status()).as(r.raw()).isEqualTo(400);
    assertThat(r.message()).contains("nests deeper than 64");
  }

  @Test
  @DisplayName("a write's reply says how many replicas acknowledged it, out of how many")
  void writeRepliesCarryAcknowledgements() {
    Http.Reply w =
        Http.post(
            url + "/write",
            "{\"shard\":\"sh1\",\"data\":[{\"id\":900,\"name\":\"z\",\"marks\":1,\"gpa\":\"1\","
                + "\"active\":true}]}");
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
    assertThat(w.json().get("acks").asInt()).isEqualTo(1);
    assertThat(w.json().get("replicas").asInt()).isEqualTo(1);
    Http.Reply u =
        Http.put(url + "/update", "{\"shard\":\"sh1\",\"id\":900,\"data\":{\"marks\":2}}");
    assertThat(u.json().get("acks").asInt()).isEqualTo(1);
    Http.Reply d = Http.delete(url + "/del", "{\"shard\":\"sh1\",\"id\":900}");
    assertThat(d.json().get("acks").asInt()).isEqualTo(1);
    assertThat(d.json().get("replicas").asInt()).isEqualTo(1);
  }
}

package io.shardeddb.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlSessionTest {
  @Test
  void noConsistencyAsksForTheDatabasesDefault() {
    SqlSession s = new SqlSession(null, null);
    s.saw(Map.of("session", "sh1:12@3"));
    assertThat(s.fields()).isEmpty();
  }

  @Test
  void aSessionShellSendsTheMergedTokenOfItsWrites() {
    SqlSession s = new SqlSession("session", null);
    assertThat(s.fields()).containsExactly(Map.entry("consistency", "session"));
    s.saw(Map.of("session", "sh1:12@3"));
    s.saw(Map.of("message", "Read successful"));
    s.saw(Map.of("session", "sh2:5@1"));
    s.saw(Map.of("session", "sh1:10@3"));
    assertThat(s.token()).contains("sh1:12@3").contains("sh2:5@1");
    assertThat(s.fields()).containsEntry("session", s.token());
  }

  @Test
  void otherLevelsSendNoToken() {
    SqlSession s = new SqlSession("any", "sh1:1@1");
    assertThat(s.fields()).containsExactly(Map.entry("consistency", "any"));
  }
}

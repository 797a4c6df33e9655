package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchQueryTest {

  @Test
  void aPlainGetWithWatchTrueIsAnHttpWatchAndAWebSocketUpgradeIsNot() {
    assertThat(WatchQuery.isHttpWatch("GET", "watch=true&resourceVersion=7", null)).isTrue();
    assertThat(WatchQuery.isHttpWatch("GET", "allowWatchBookmarks=true&watch=1", null)).isTrue();
    assertThat(WatchQuery.isHttpWatch("GET", "watch=true", "websocket")).isFalse();
    assertThat(WatchQuery.isHttpWatch("GET", "watch=false", null)).isFalse();
    assertThat(WatchQuery.isHttpWatch("GET", "limit=500", null)).isFalse();
    assertThat(WatchQuery.isHttpWatch("GET", null, null)).isFalse();
    assertThat(WatchQuery.isHttpWatch("POST", "watch=true", null)).isFalse();
  }

  @Test
  void theQueryGivesTheResourceVersionAndTheTimeout() {
    WatchQuery q =
        WatchQuery.parse(
            "fieldSelector=metadata.name%3Dstudents&resourceVersion=42&timeoutSeconds=5&watch=true");
    assertThat(q).isEqualTo(new WatchQuery("42", 5));
    assertThat(WatchQuery.parse("watch=true")).isEqualTo(new WatchQuery("", 0));
    assertThat(WatchQuery.parse("watch=true&timeoutSeconds=x")).isEqualTo(new WatchQuery("", 0));
    assertThat(WatchQuery.param("fieldSelector=metadata.name%3Dstudents", "fieldSelector"))
        .contains("metadata.name=students");
  }

  @Test
  void theReplayOfObjectsTheClientListedAlreadyIsDroppedAndEveryLaterEventPasses() {
    WatchQuery afterList = new WatchQuery("10", 0);

    assertThat(afterList.delivers("ADDED", "9")).as("listed before: replayed").isFalse();
    assertThat(afterList.delivers("ADDED", "10")).as("the list's own version").isFalse();
    assertThat(afterList.delivers("ADDED", "11")).as("created after the list").isTrue();
    assertThat(afterList.delivers("MODIFIED", "12")).isTrue();
    assertThat(afterList.delivers("DELETED", "3")).as("a delete keeps its old version").isTrue();
    assertThat(afterList.delivers("ERROR", "")).isTrue();
  }

  @Test
  void withoutAResourceVersionEveryCurrentObjectIsSentAsAdded() {
    assertThat(new WatchQuery("", 0).delivers("ADDED", "9")).isTrue();
    assertThat(new WatchQuery("0", 0).delivers("ADDED", "9")).isTrue();
    assertThat(new WatchQuery("10", 0).delivers("ADDED", "")).isTrue();
  }
}

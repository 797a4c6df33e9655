package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The operator's default component images carry the project's one version (issue 50): the root
 * pom's version without {@code -SNAPSHOT}, which Maven passes to this test as {@code
 * shardeddb.version} and writes into the operator's {@code release.properties}.
 */
class ImagesVersionTest {

  @Test
  void theDefaultImagesAreTaggedWithTheMavenVersion() {
    String maven = System.getProperty("shardeddb.version");
    assertThat(maven).as("surefire passes the build's version").matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(maven).doesNotEndWith("-SNAPSHOT");

    assertThat(Images.VERSION).isEqualTo(maven);
    assertThat(Images.DEFAULTS.router()).isEqualTo("shardeddb/router:" + maven);
    assertThat(Images.DEFAULTS.shardServer()).isEqualTo("shardeddb/shard-server:" + maven);
  }
}

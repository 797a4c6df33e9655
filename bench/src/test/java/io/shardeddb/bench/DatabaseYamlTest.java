package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.resource.ResourceFileValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's ShardedDatabase is a resource the CLI accepts and that covers the key space. */
class DatabaseYamlTest {

  @Test
  void theRenderedResourcePassesTheCliValidatorAndCoversTheKeySpace(@TempDir Path dir)
      throws Exception {
    DatabaseYaml yaml = new DatabaseYaml("bench-db", 3, 2, 10_000);
    Path file = dir.resolve("db.yaml");
    Files.writeString(file, yaml.render());

    new ResourceFileValidator().validate(file);
    ShardedDatabase db = Serialization.unmarshal(Files.readString(file), ShardedDatabase.class);

    assertThat(db.getApiVersion()).isEqualTo(ShardedDatabase.API_VERSION);
    assertThat(db.getKind()).isEqualTo(ShardedDatabase.KIND);
    assertThat(db.getMetadata().getName()).isEqualTo("bench-db");
    assertThat(db.getSpec().replicas()).isEqualTo(2);
    assertThat(db.getSpec().routerOrDefault().replicasOrDefault()).isEqualTo(1);
    assertThat(db.getSpec().shardsOrEmpty())
        .extracting(ShardSpec::id, ShardSpec::low)
        .containsExactly(tuple("sh1", 0L), tuple("sh2", 3334L), tuple("sh3", 6668L));
    ShardSpec last = db.getSpec().shardsOrEmpty().get(2);
    assertThat(last.low() + last.size()).isGreaterThanOrEqualTo(10_000);
    assertThat(db.getStatus()).isNull();
  }

  @Test
  void tlsIsTheDefaultAndOffTurnsItOffInTheSpec(@TempDir Path dir) throws Exception {
    ShardedDatabase on =
        Serialization.unmarshal(new DatabaseYaml("a", 1, 3, 100).render(), ShardedDatabase.class);
    assertThat(on.getSpec().tlsOrDefault().enabledOrDefault()).isTrue();

    Path file = dir.resolve("off.yaml");
    Files.writeString(file, new DatabaseYaml("b", 1, 3, 100, false).render());
    new ResourceFileValidator().validate(file);
    ShardedDatabase off = Serialization.unmarshal(Files.readString(file), ShardedDatabase.class);
    assertThat(off.getSpec().tlsOrDefault().enabledOrDefault()).isFalse();
  }
}

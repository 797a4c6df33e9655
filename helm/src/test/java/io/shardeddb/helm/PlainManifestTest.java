package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The checked-in manifest for installing without Helm is the chart's current default rendering. */
class PlainManifestTest {

  private final PlainManifest manifest = new PlainManifest(new ChartUnderTest());

  @Test
  void theCheckedInManifestIsTheChartsCurrentDefaultRendering() throws IOException {
    String expected = manifest.render();
    if (Boolean.getBoolean(PlainManifest.UPDATE_PROPERTY)) {
      Files.createDirectories(manifest.file().getParent());
      Files.writeString(manifest.file(), expected);
    }

    assertThat(manifest.file()).exists();
    assertThat(Files.readString(manifest.file()))
        .as(
            "%s is stale; regenerate with ./mvnw -B -pl helm -am verify -D%s=true",
            manifest.file(), PlainManifest.UPDATE_PROPERTY)
        .isEqualTo(expected);
  }

  @Test
  void theCheckedInPolicyManifestIsTheChartsCurrentRouterFieldPolicy() throws IOException {
    String expected = manifest.renderPolicy();
    if (Boolean.getBoolean(PlainManifest.UPDATE_PROPERTY)) {
      Files.writeString(manifest.policyFile(), expected);
    }

    assertThat(manifest.policyFile()).exists();
    assertThat(Files.readString(manifest.policyFile()))
        .as(
            "%s is stale; regenerate with ./mvnw -B -pl helm -am verify -D%s=true",
            manifest.policyFile(), PlainManifest.UPDATE_PROPERTY)
        .isEqualTo(expected);
    assertThat(RenderedChart.parse(expected).objects())
        .extracting(HasMetadata::getKind)
        .containsExactly("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
  }

  @Test
  void theOperatorManifestLeavesThePolicyOutSoItAppliesOnKubernetes120() throws IOException {
    RenderedChart parsed = RenderedChart.parse(Files.readString(manifest.file()));

    assertThat(parsed.objects())
        .extracting(HasMetadata::getApiVersion)
        .noneMatch(v -> v.startsWith("admissionregistration.k8s.io/"));
  }

  @Test
  void itCreatesItsNamespaceFirstAndThenTheOperator() throws IOException {
    RenderedChart parsed = RenderedChart.parse(Files.readString(manifest.file()));

    assertThat(parsed.objects().get(0)).isInstanceOf(Namespace.class);
    assertThat(parsed.objects().get(0).getMetadata().getName()).isEqualTo(ChartUnderTest.NAMESPACE);
    assertThat(parsed.one(Deployment.class).getMetadata().getNamespace())
        .isEqualTo(ChartUnderTest.NAMESPACE);
    assertThat(parsed.untyped()).isEmpty();
    assertThat(parsed.objects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("CustomResourceDefinition");
  }
}

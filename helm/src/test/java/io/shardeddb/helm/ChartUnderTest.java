package io.shardeddb.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Runs Helm (in-process, via helm-java) on the chart in helm/shardeddb-operator. */
final class ChartUnderTest {

  static final String RELEASE = "shardeddb";
  static final String NAMESPACE = "shardeddb-system";

  /**
   * The cluster version templates are rendered for. helm-java, built without Helm's release
   * ldflags, otherwise assumes Kubernetes 1.20, which the chart's kubeVersion rightly refuses.
   */
  static final String KUBE_VERSION = "v1.31.0";

  private final Path repoRoot;

  ChartUnderTest() {
    this(Path.of(System.getProperty("shardeddb.repo.root", "..")).toAbsolutePath().normalize());
  }

  ChartUnderTest(Path repoRoot) {
    this.repoRoot = repoRoot;
  }

  Path repoRoot() {
    return repoRoot;
  }

  Path chartDir() {
    return repoRoot.resolve("helm/shardeddb-operator");
  }

  /**
   * The chart's copies of the generated CRDs (and, in without-cel/, those for servers before 1.25),
   * which templates/crds.yaml renders; not crds/, which Helm would never upgrade.
   */
  Path crdDir() {
    return chartDir().resolve("files/crds");
  }

  /** A values file from src/test/resources/values. */
  static Path valuesFile(String name) {
    Path file = Path.of("src/test/resources/values").resolve(name).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no test values file " + file);
    }
    return file;
  }

  LintResult lint() {
    return new Helm(chartDir()).lint().strict().call();
  }

  /** Renders with the chart's defaults, the CRDs included (templates/crds.yaml). */
  RenderedChart render() {
    return RenderedChart.parse(template().call());
  }

  RenderedChart render(Path valuesFile) {
    return RenderedChart.parse(template().withValuesFile(valuesFile).call());
  }

  /** Renders with `--set key=value` overrides; Helm's errors surface as exceptions. */
  RenderedChart render(Map<String, Object> overrides) {
    TemplateCommand command = template();
    overrides.forEach(command::set);
    return RenderedChart.parse(command.call());
  }

  /**
   * `helm install --dry-run=client` with `--set` overrides: what Helm prints, NOTES included. No
   * cluster is contacted.
   */
  String installDryRun(Map<String, Object> overrides) {
    InstallCommand command =
        new Helm(chartDir())
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .clientOnly()
            .dryRun();
    overrides.forEach(command::set);
    return command.call().getOutput();
  }

  /**
   * The plain-kubectl manifest: the default rendering without CRDs (crds.create=false: a plain
   * install applies them from crds/ first).
   */
  String renderPlainManifest() {
    return template().set("crds.create", false).call();
  }

  private TemplateCommand template() {
    return template(KUBE_VERSION);
  }

  /** A template command for an explicit cluster version, for testing the chart's kubeVersion. */
  TemplateCommand template(String kubeVersion) {
    return new Helm(chartDir())
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(kubeVersion);
  }
}

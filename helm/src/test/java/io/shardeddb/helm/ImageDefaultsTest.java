package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.shardeddb.operator.model.Images;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator's {@link Images} is the one place image names are defined: the chart's defaults
 * mirror it, and the chart passes its images through the environment variables Images reads.
 */
class ImageDefaultsTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theChartsDefaultImagesAreTheOperatorsBuiltInDefaults() {
    Map<String, String> env = operatorEnv(chart.render());

    assertThat(env).containsKeys(Images.SHARD_SERVER_ENV, Images.ROUTER_ENV, Images.MYSQL_ENV);
    assertThat(Images.fromEnvironment(env)).isEqualTo(Images.DEFAULTS);
  }

  @Test
  void imagesSetInValuesReachTheOperatorUnderTheNamesItReads() {
    Map<String, String> env =
        operatorEnv(chart.render(ChartUnderTest.valuesFile("non-default.yaml")));

    assertThat(Images.fromEnvironment(env))
        .isEqualTo(
            new Images(
                "registry.example.com/shardeddb/shard-server:1.2.3",
                "registry.example.com/shardeddb/router:1.2.3",
                "registry.example.com/mirror/mysql:8.4.3"));
  }

  private static Map<String, String> operatorEnv(RenderedChart rendered) {
    return rendered
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}

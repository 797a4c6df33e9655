package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docker/*.Dockerfile cannot be built here (no container engine), so their contract is checked
 * statically: JDK 21+ build stage, JRE 21+ runtime, numeric non-root user, the jar the module's pom
 * really produces, and the port the process listens on.
 */
class DockerfilesTest {

  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");
  private static final Pattern TEMURIN = Pattern.compile("eclipse-temurin:(\\d+)-(jdk|jre)\\S*");
  private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\d+)(?::(\\d+))?\\s*$");

  private final ChartUnderTest chart = new ChartUnderTest();

  @ParameterizedTest(name = "{0}")
  @CsvSource({"operator, 8090", "router, 8080", "shard-server, 8081"})
  void theImageBuildsTheModulesJarOnAJdkAndRunsItOnAJreAsNonRoot(String module, int port)
      throws IOException {
    String dockerfile = Files.readString(docker(module + ".Dockerfile"));
    List<Matcher> stages = FROM.matcher(dockerfile).results().map(r -> matcher(r.group())).toList();

    assertThat(stages).as("a build stage and a runtime stage").hasSize(2);
    assertThat(temurin(stages.get(0).group(1))).isEqualTo("jdk");
    assertThat(stages.get(0).group(2)).isEqualTo("build");
    assertThat(temurin(stages.get(1).group(1))).isEqualTo("jre");
    assertThat(dockerfile).contains("./mvnw -B -q -pl " + module + " -am package");

    String jar = module + "/target/" + module + ".jar";
    assertThat(Files.readString(chart.repoRoot().resolve(module).resolve("pom.xml")))
        .as("%s/pom.xml names its runnable jar %s.jar", module, module)
        .contains("<finalName>" + module + "</finalName>");
    assertThat(dockerfile)
        .contains("COPY --from=build /src/" + jar + " /app/" + module + ".jar")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/" + module + ".jar\"]")
        .contains("EXPOSE " + port);

    Matcher user = USER.matcher(dockerfile);
    assertThat(user.find()).as("USER with a numeric uid").isTrue();
    assertThat(Long.parseLong(user.group(1))).isPositive();
    assertThat(dockerfile.indexOf(user.group())).isGreaterThan(dockerfile.lastIndexOf("FROM "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"operator", "router", "shard-server"})
  void buildOutputsAndGitHistoryStayOutOfTheBuildContext(String module) throws IOException {
    assertThat(Files.readAllLines(docker(module + ".Dockerfile.dockerignore")))
        .contains("**/target", ".git");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"operator"})
  void theChartRunsTheOperatorImageAsTheUserTheImageDeclares(String module) throws IOException {
    Matcher user = USER.matcher(Files.readString(docker(module + ".Dockerfile")));
    assertThat(user.find()).isTrue();
    var podSecurity =
        chart.render().one(Deployment.class).getSpec().getTemplate().getSpec().getSecurityContext();

    assertThat(podSecurity.getRunAsUser()).isEqualTo(Long.parseLong(user.group(1)));
    assertThat(podSecurity.getRunAsGroup()).isEqualTo(Long.parseLong(user.group(2)));
  }

  private Path docker(String file) {
    return chart.repoRoot().resolve("docker").resolve(file);
  }

  private static Matcher matcher(String fromLine) {
    Matcher m = FROM.matcher(fromLine);
    if (!m.find()) {
      throw new IllegalStateException(fromLine);
    }
    return m;
  }

  /** "jdk" or "jre" for an eclipse-temurin image of Java 21 or newer; fails otherwise. */
  private static String temurin(String image) {
    Matcher m = TEMURIN.matcher(image);
    assertThat(m.matches()).as("%s is an eclipse-temurin JDK/JRE image", image).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("Java version of %s", image).isGreaterThan(20);
    return m.group(2);
  }
}

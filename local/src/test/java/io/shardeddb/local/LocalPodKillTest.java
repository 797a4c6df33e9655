package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kill -9 by the pod runner's pid annotation: the one path of `local kill` and the demo's button.
 */
class LocalPodKillTest {

  private static Pod pod(String pid) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("db-sh1-0").endMetadata();
    if (pid != null) {
      b.editMetadata().addToAnnotations(LocalPodRunner.PID_ANNOTATION, pid).endMetadata();
    }
    return b.build();
  }

  @Test
  void killsTheProcessThePodNames() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      LocalPodKill.Killed killed =
          LocalPodKill.kill("db-sh1-0", pod(String.valueOf(sleeper.pid())));
      assertThat(killed).isEqualTo(new LocalPodKill.Killed("db-sh1-0", sleeper.pid()));
      assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sleeper.exitValue()).isEqualTo(137); // SIGKILL
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void aPodWithoutALocalProcessIsNamed() {
    for (Pod p : new Pod[] {null, pod(null), pod(""), pod("not-a-pid")}) {
      assertThatThrownBy(() -> LocalPodKill.kill("db-sh1-0", p))
          .isInstanceOf(LocalPodKill.NotKillable.class)
          .hasMessage("pod db-sh1-0 has no running local process");
    }
    assertThat(LocalPodKill.pid(pod(" 42 "))).contains(42L);
  }

  @Test
  void aProcessThatIsGoneIsNamed() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> LocalPodKill.kill("db-sh1-0", pod(String.valueOf(done.pid()))))
        .isInstanceOf(LocalPodKill.NotKillable.class)
        .hasMessage("process " + done.pid() + " is not running");
  }
}

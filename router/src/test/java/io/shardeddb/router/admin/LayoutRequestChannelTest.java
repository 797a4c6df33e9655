package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.router.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The router's side of the layout request object against the fabric8 mock API server: no object is
 * a 503, an answer to another request is not taken for this one's, a request replaced before the
 * operator read it is a 409, and no answer in time is a 504.
 */
@EnableKubernetesMockClient(crud = true)
class LayoutRequestChannelTest {
  static final LayoutRequest REQUEST = new LayoutRequest(1, null, List.of(), Map.of());

  KubernetesClient client;

  LayoutRequestChannel channel() {
    return new LayoutRequestChannel(client, "test", "students");
  }

  void createObject() {
    client
        .configMaps()
        .inNamespace("test")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("students-layout-request")
                .endMetadata()
                .build())
        .create();
  }

  void edit(java.util.function.Consumer<Map<String, String>> change) {
    client
        .configMaps()
        .inNamespace("test")
        .withName("students-layout-request")
        .edit(
            cm -> {
              change.accept(cm.getData());
              return cm;
            });
  }

  static String answer(String id) {
    return new LayoutRequest.Answer(id, LayoutRequest.Outcome.Accepted, 7L, "merged", "now")
        .toJson();
  }

  @Test
  void withoutTheObjectTheOperatorCreatesARequestIsA503() {
    assertThatThrownBy(() -> channel().send(REQUEST))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.getMessage()).contains("students-layout-request does not exist");
            });
  }

  @Test
  void theAnswerToThisRequestIdIsTheOneReturnedNotAnEarlierOne() {
    createObject();
    edit(d -> d.put(LayoutRequest.ANSWER_KEY, answer("an-earlier-request")));
    LayoutRequestChannel channel = channel();
    String id = channel.send(REQUEST);
    ConfigMap sent =
        client.configMaps().inNamespace("test").withName("students-layout-request").get();
    assertThat(sent.getData()).containsEntry(LayoutRequest.ID_KEY, id);
    assertThat(LayoutRequest.parse(sent.getData().get(LayoutRequest.LAYOUT_KEY)))
        .isEqualTo(REQUEST);

    CompletableFuture<LayoutRequest.Answer> answered =
        CompletableFuture.supplyAsync(() -> channel.await(id, Duration.ofSeconds(10)));
    // The earlier answer is still there: not taken for this request's.
    assertThat(answered).isNotDone();
    edit(d -> d.put(LayoutRequest.ANSWER_KEY, answer(id)));

    assertThat(answered.join().id()).isEqualTo(id);
    assertThat(answered.join().generation()).isEqualTo(7L);
  }

  @Test
  void aRequestReplacedBeforeTheOperatorReadItIsA409() {
    createObject();
    String id = channel().send(REQUEST);
    edit(d -> d.put(LayoutRequest.ID_KEY, "another-routers-request"));

    assertThatThrownBy(() -> channel().await(id, Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  @Test
  void noAnswerInTimeIsA504() {
    createObject();
    String id = channel().send(REQUEST);

    assertThatThrownBy(() -> channel().await(id, Duration.ofMillis(600)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(504);
              assertThat(e.getMessage()).contains("did not answer the layout request");
            });
  }
}

package io.shardeddb.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What counts as a difference worth a write, and what is only the server's defaulting. */
class DesiredStateMatcherTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void serverDefaultsDroppedTypeFieldsAndCanonicalQuantitiesAreNoDifference() throws Exception {
    JsonNode desired =
        json(
            "{'metadata':{'labels':{'a':'1'}},'spec':{'replicas':3,'args':[],"
                + "'volumeClaimTemplates':[{'apiVersion':'v1','kind':'PersistentVolumeClaim',"
                + "'spec':{'resources':{'requests':{'storage':'1Gi','cpu':'0.5'}}}}]}}");
    JsonNode actual =
        json(
            "{'metadata':{'labels':{'a':'1','extra':'x'},'resourceVersion':'7'},'spec':{"
                + "'replicas':3,'revisionHistoryLimit':10,'volumeClaimTemplates':[{'spec':{"
                + "'volumeMode':'Filesystem','resources':{'requests':{'storage':'1Gi',"
                + "'cpu':'500m'}}},'status':{'phase':'Pending'}}]}}");

    assertThat(DesiredStateMatcher.matches(desired, actual)).isTrue();
  }

  @Test
  void aChangedValueAMissingLabelOrADifferentListLengthIsADifference() throws Exception {
    JsonNode desired =
        json("{'metadata':{'labels':{'a':'1'}},'spec':{'image':'x:2','ports':[{'port':1}]}}");

    assertThat(
            DesiredStateMatcher.matches(
                desired,
                json(
                    "{'metadata':{'labels':{'a':'1'}},'spec':{'image':'x:1','ports':[{'port':1}]}}")))
        .as("changed image")
        .isFalse();
    assertThat(
            DesiredStateMatcher.matches(
                desired, json("{'metadata':{},'spec':{'image':'x:2','ports':[{'port':1}]}}")))
        .as("label gone")
        .isFalse();
    assertThat(
            DesiredStateMatcher.matches(
                desired,
                json(
                    "{'metadata':{'labels':{'a':'1'}},'spec':{'image':'x:2',"
                        + "'ports':[{'port':1},{'port':2}]}}")))
        .as("extra list item")
        .isFalse();
  }

  @Test
  void removingTheLastUserSettingIsADifferenceThroughTheSettingsDigest() throws Exception {
    JsonNode live =
        json(
            "{'metadata':{'annotations':{'shardeddb.io/settings-digest':'abc'}},"
                + "'spec':{'template':{'spec':{'tolerations':[{'key':'dedicated'}]}}}}");
    JsonNode withoutSettings = json("{'metadata':{},'spec':{'template':{'spec':{}}}}");
    JsonNode sameSettings =
        json(
            "{'metadata':{'annotations':{'shardeddb.io/settings-digest':'abc'}},"
                + "'spec':{'template':{'spec':{'tolerations':[{'key':'dedicated'}]}}}}");

    assertThat(DesiredStateMatcher.matches(withoutSettings, live)).as("settings removed").isFalse();
    assertThat(DesiredStateMatcher.matches(sameSettings, live)).as("unchanged").isTrue();
    assertThat(DesiredStateMatcher.matches(withoutSettings, withoutSettings))
        .as("never had any")
        .isTrue();
  }
}

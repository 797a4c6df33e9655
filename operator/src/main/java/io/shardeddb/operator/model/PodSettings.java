package io.shardeddb.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodAntiAffinityBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.PodsSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user's pod settings ({@code spec.pods}) added to a pod template the operator built: its
 * tolerations, nodeSelector, priority class and annotations, and its affinity merged with the
 * operator's own (the operator's anti-affinity terms stay; the user's are added). Pure.
 */
final class PodSettings {
  private PodSettings() {}

  /** {@code template} with the settings of {@code pods} added. */
  static void apply(PodTemplateSpec template, PodsSpec pods) {
    if (pods == null || pods.nothingSet()) {
      return;
    }
    var spec = template.getSpec();
    if (pods.tolerations() != null && !pods.tolerations().isEmpty()) {
      spec.setTolerations(List.copyOf(pods.tolerations()));
    }
    if (pods.nodeSelector() != null && !pods.nodeSelector().isEmpty()) {
      spec.setNodeSelector(new TreeMap<>(pods.nodeSelector()));
    }
    if (pods.priorityClassName() != null) {
      spec.setPriorityClassName(pods.priorityClassName());
    }
    spec.setAffinity(merge(spec.getAffinity(), pods.affinity()));
    if (pods.annotations() != null && !pods.annotations().isEmpty()) {
      Map<String, String> annotations = new TreeMap<>(pods.annotations());
      // The operator's own annotations win over a user's with the same key.
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
      template.getMetadata().setAnnotations(annotations);
    }
  }

  /**
   * The operator's affinity with the user's added: the user's node and pod affinity as given (the
   * operator sets none), the anti-affinity terms of both, the operator's first. Null when neither
   * has any.
   */
  static Affinity merge(Affinity operator, Affinity user) {
    if (user == null) {
      return operator;
    }
    if (operator == null) {
      return Serialization.clone(user);
    }
    AffinityBuilder merged = new AffinityBuilder(operator);
    if (user.getNodeAffinity() != null) {
      merged.withNodeAffinity(Serialization.clone(user.getNodeAffinity()));
    }
    if (user.getPodAffinity() != null) {
      merged.withPodAffinity(Serialization.clone(user.getPodAffinity()));
    }
    PodAntiAffinity ours = operator.getPodAntiAffinity();
    PodAntiAffinity theirs = user.getPodAntiAffinity();
    if (theirs != null) {
      List<PodAffinityTerm> required = new ArrayList<>();
      List<WeightedPodAffinityTerm> preferred = new ArrayList<>();
      if (ours != null) {
        required.addAll(ours.getRequiredDuringSchedulingIgnoredDuringExecution());
        preferred.addAll(ours.getPreferredDuringSchedulingIgnoredDuringExecution());
      }
      required.addAll(theirs.getRequiredDuringSchedulingIgnoredDuringExecution());
      preferred.addAll(theirs.getPreferredDuringSchedulingIgnoredDuringExecution());
      merged.withPodAntiAffinity(
          new PodAntiAffinityBuilder()
              .withRequiredDuringSchedulingIgnoredDuringExecution(required)
              .withPreferredDuringSchedulingIgnoredDuringExecution(preferred)
              .build());
    }
    return merged.build();
  }

  /**
   * {@code annotations} plus the digest of {@code settings} (any serialisable value) under {@link
   * Labels#SETTINGS_DIGEST}, or {@code annotations} as they are when there are no settings.
   */
  static Map<String, String> withDigest(Map<String, String> annotations, Object settings) {
    Map<String, String> out = new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
    if (settings != null) {
      try {
        out.put(Labels.SETTINGS_DIGEST, digest(CANONICAL.writeValueAsString(settings)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise settings " + settings, e);
      }
    }
    return out;
  }

  /** Keys sorted, so equal settings always give the same digest whatever their map order. */
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .build();

  private static String digest(String json) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}

package io.shardeddb.operator.dependent;

/**
 * Which API version the shards' PodDisruptionBudgets are written in: {@code policy/v1} wherever the
 * server offers it (Kubernetes 1.21+), {@code policy/v1beta1} on older servers that only serve that
 * one (removed in 1.25).
 */
public enum DisruptionBudgetApi {
  /** policy/v1. */
  V1,
  /** policy/v1beta1. */
  V1BETA1;

  /** The version to use given what the server's discovery reports. */
  public static DisruptionBudgetApi choose(boolean v1Served, boolean v1beta1Served) {
    // A server that reports neither (the in-process mock server) gets the current version.
    return !v1Served && v1beta1Served ? V1BETA1 : V1;
  }
}

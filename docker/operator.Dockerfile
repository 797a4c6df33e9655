# syntax=docker/dockerfile:1
# The ShardedDB operator image: the Kubernetes operator (metrics and health on 8090).
# Build from the repository root (the context must hold the whole Maven reactor):
#   docker build -f docker/operator.Dockerfile -t shardeddb/operator:0.1.0 .
# The tag the chart and operator expect by default is in operator/.../model/Images.java.

# Stage 1: build the runnable jar with the project's Maven wrapper on a JDK 21.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds; tests run in CI, not here.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl operator -am package -Dmaven.test.skip=true

# Stage 2: only a JRE and the jar, run as a numeric non-root user (runAsNonRoot can verify it).
FROM eclipse-temurin:21-jre
LABEL org.opencontainers.image.title="shardeddb-operator" \
      org.opencontainers.image.description="ShardedDB operator: the Kubernetes operator (metrics and health on 8090)"
WORKDIR /app
COPY --from=build /src/operator/target/operator.jar /app/operator.jar
# Container-aware heap sizing; a pod's JDK_JAVA_OPTIONS env replaces it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75"
USER 65532:65532
EXPOSE 8090
ENTRYPOINT ["java", "-jar", "/app/operator.jar"]

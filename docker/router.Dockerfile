# syntax=docker/dockerfile:1
# The ShardedDB router image: the HTTP API applications use (port 8080).
# Build from the repository root (the context must hold the whole Maven reactor):
#   docker build -f docker/router.Dockerfile -t shardeddb/router:0.1.0 .
# The tag the chart and operator expect by default is in operator/.../model/Images.java.

# Stage 1: build the runnable jar with the project's Maven wrapper on a JDK 21.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds; tests run in CI, not here.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl router -am package -Dmaven.test.skip=true

# Stage 2: only a JRE and the jar, run as a numeric non-root user (runAsNonRoot can verify it).
FROM eclipse-temurin:21-jre
LABEL org.opencontainers.image.title="shardeddb-router" \
      org.opencontainers.image.description="ShardedDB router: the HTTP API applications use (port 8080)"
WORKDIR /app
COPY --from=build /src/router/target/router.jar /app/router.jar
# Container-aware heap sizing; a pod's JDK_JAVA_OPTIONS env replaces it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75"
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/router.jar"]

# FORLER's CLI as a container image, for sweeps on a cluster (docs/cluster.md).
#   docker build -t forler --build-arg FORLER_CODE_VERSION="$(git describe --always --dirty)" .
#   docker run --rm -v "$PWD/runs:/results" forler experiment e5 --out /results
# Debian 12: JDK 17 and MuJoCo 2.2.2 (libmujoco-dev) from its own archive; the build compiles the MuJoCo shim into the jar.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless libmujoco-dev gcc libc6-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# FORLER_MJSHIM_STRICT=1: a shim that does not build fails the image instead of leaving the MuJoCo tasks out
RUN FORLER_MJSHIM_STRICT=1 ./mvnw -B -q -pl forler -am package -DskipTests

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless libmujoco-dev \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/forler/target/forler-all.jar /opt/forler/forler-all.jar
# Datasets are cached on the shared volume next to the results (written atomically: jobs may share it).
ENV FORLER_JAVA_OPTS=""
# The code version each experiment's README.md records (the image holds no .git)
ARG FORLER_CODE_VERSION=""
ENV FORLER_CODE_VERSION=$FORLER_CODE_VERSION
WORKDIR /results
ENTRYPOINT ["sh", "-c", "exec java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Djava.awt.headless=true -Dforler.cache=/results/cache $FORLER_JAVA_OPTS -jar /opt/forler/forler-all.jar \"$@\"", "forler"]

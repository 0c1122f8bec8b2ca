# syntax=docker/dockerfile:1

# Build with the Maven wrapper; dependencies are a layer of their own, so a source change
# does not download them again. The jar is extracted here, so the runtime image never holds it.
# Base images are pinned to a patch release: a rebuild gets the same JDK until this line changes.
FROM eclipse-temurin:17.0.16_8-jdk AS build
WORKDIR /workspace
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw --batch-mode --no-transfer-progress dependency:go-offline
COPY src src
RUN ./mvnw --batch-mode --no-transfer-progress -DskipTests package \
 && java -Djarmode=tools -jar target/zk-bank.jar extract --destination /workspace/app

# Run on a JRE as a user without privileges, with a fixed numeric UID and GID: Kubernetes'
# runAsNonRoot can only verify a number (deploy/kubernetes runs it as 10001).
FROM eclipse-temurin:17.0.16_8-jre
RUN groupadd --system --gid 10001 bank && useradd --system --uid 10001 --gid 10001 --no-create-home bank
WORKDIR /app
COPY --from=build /workspace/app /app
# A faster start: a class data sharing archive of the classes a start loads, from a training run
# that ends once the context is refreshed (the embedded ZooKeeper stands in for the real one,
# which the build does not have). The run ends without stopping that server, so everything it
# writes (ZooKeeper's data, Tomcat's work folder) goes to a scratch temporary folder that the
# same layer removes; no perf data file is written. scripts/dockerfile-check.sh runs this command
# and proves that it leaves only the archive behind.
RUN scratch=$(mktemp -d) \
 && java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:ArchiveClassesAtExit=/app/zk-bank.jsa \
      -Djava.io.tmpdir="$scratch" -Dspring.context.exit=onRefresh -jar /app/zk-bank.jar >/dev/null \
 && rm -rf "$scratch"
USER 10001:10001
EXPOSE 8080
# The heap follows the container's memory limit; an out-of-memory error ends the process so
# that the container restarts instead of limping on. A customer mostly waits on the network:
# the serial collector (the JVM's own pick under 1792 MB) and the C1 compiler alone start it
# faster and keep it small. scripts/footprint.sh measures it with these flags.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=/app/zk-bank.jsa", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/zk-bank.jar"]
# Ready once the customer has a ZooKeeper session. The temurin image has curl, but this check
# needs nothing beyond bash (it speaks HTTP/1.0), so it is the same command as compose's.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health/readiness HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'

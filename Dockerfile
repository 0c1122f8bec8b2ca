# syntax=docker/dockerfile:1

# Build with the Maven wrapper; dependencies are a layer of their own, so a source change
# does not download them again.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw --batch-mode --no-transfer-progress dependency:go-offline
COPY src src
RUN ./mvnw --batch-mode --no-transfer-progress -DskipTests package

# Run on a JRE as a user without privileges.
FROM eclipse-temurin:17-jre
RUN groupadd --system bank && useradd --system --gid bank --no-create-home bank
WORKDIR /app
COPY --from=build /workspace/target/zk-bank.jar /tmp/zk-bank.jar
# A faster start: the jar extracted, and a class data sharing archive of the classes a start
# loads, from a training run that ends once the context is refreshed (the embedded ZooKeeper
# stands in for the real one, which the build does not have).
RUN java -Djarmode=tools -jar /tmp/zk-bank.jar extract --destination /app \
 && java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit=/app/zk-bank.jsa \
      -Dspring.context.exit=onRefresh -jar /app/zk-bank.jar >/dev/null \
 && rm /tmp/zk-bank.jar
USER bank
EXPOSE 8080
# The heap follows the container's memory limit; an out-of-memory error ends the process so
# that the container restarts instead of limping on. A customer mostly waits on the network:
# the serial collector (the JVM's own pick under 1792 MB) and the C1 compiler alone start it
# faster and keep it small. scripts/footprint.sh measures it with these flags.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=/app/zk-bank.jsa", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/zk-bank.jar"]
# Ready once the customer has a ZooKeeper session (no curl in the image: bash speaks HTTP/1.0).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health/readiness HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'

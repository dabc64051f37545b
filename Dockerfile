# Builds the coursepulse jar and runs it on a JRE. Used by compose.yaml for the producer, the
# processor, the sink and the instructors' pages; any coursepulse command can be given as arguments.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# curl: compose.yaml's health checks ask /health
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 coursepulse && mkdir -p /var/lib/coursepulse \
    && chown coursepulse /var/lib/coursepulse
COPY --from=build /src/target/coursepulse.jar /opt/coursepulse/coursepulse.jar
USER coursepulse
WORKDIR /var/lib/coursepulse
ENV COURSEPULSE_METRICS_BIND=0.0.0.0
# 8080: the instructors' pages (web); metrics: 9464 process and demo, 9465 produce, 9467 sink,
# 9468 ingest (whose events endpoint is 8088), 9469 notify, 9470 web
EXPOSE 8080 8088 9464 9465 9467 9468 9469 9470
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/coursepulse/coursepulse.jar"]
CMD ["--help"]

# Builds the coursepulse jar and runs it on a JRE. Used by compose.yaml for the producer and the
# processor; any coursepulse command can be given as arguments.
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
EXPOSE 9464 9465 9466 9467
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/coursepulse/coursepulse.jar"]
CMD ["--help"]

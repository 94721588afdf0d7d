# One image for every Weir component; the command picks the component:
#   docker run weir processor --config /etc/weir/processor.yml
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 weir
COPY --from=build /src/cli/target/weir.jar /opt/weir/weir.jar
COPY --from=build /src/cli/target/lib /opt/weir/lib
USER weir
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/weir/weir.jar"]

# Hookrelay container image.
#
#   docker build -t hookrelay .
#   docker run -p 8080:8080 -v hookrelay-data:/var/lib/hookrelay hookrelay
#
# Without HOOKRELAY_DATABASE_URL the service starts an embedded PostgreSQL with its data in the volume.
# That is meant for trying Hookrelay out: the embedded server is one process's private database and cannot be shared by several instances. In production set
# HOOKRELAY_DATABASE_URL (and HOOKRELAY_MASTER_KEY and HOOKRELAY_ADMIN_TOKEN; see the README).

# ---- build -------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# Dependencies first, so this layer is reused until pom.xml changes.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline

COPY src/ src/
COPY db/ db/
COPY openapi/ openapi/
RUN mvn -B -q -DskipTests package

# ---- runtime -----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# The HEALTHCHECK below uses curl. Current eclipse-temurin Ubuntu images already ship it; install it only
# if this base image lacks it.
RUN if ! command -v curl >/dev/null 2>&1; then \
        apt-get update \
        && apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi

# A fixed, unprivileged user. The embedded PostgreSQL and its data directory belong to this user too.
RUN groupadd --system --gid 10001 hookrelay \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/hookrelay --no-create-home \
       --shell /usr/sbin/nologin hookrelay \
    && mkdir -p /var/lib/hookrelay \
    && chown 10001:10001 /var/lib/hookrelay \
    && chmod 700 /var/lib/hookrelay

WORKDIR /app
COPY --from=build /build/target/hookrelay.jar /app/hookrelay.jar

# admin-token, master-key and (without HOOKRELAY_DATABASE_URL) the embedded PostgreSQL live here.
ENV HOOKRELAY_DATA_DIR=/var/lib/hookrelay
VOLUME ["/var/lib/hookrelay"]

USER 10001:10001
EXPOSE 8080

# Ready means the service answers and its database does. The first start with the embedded database
# runs initdb and the migrations, hence the long start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${HOOKRELAY_HTTP_PORT:-8080}/health/ready" || exit 1

# Exec form: java is PID 1 and gets SIGTERM directly, which triggers the graceful shutdown.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/hookrelay.jar"]

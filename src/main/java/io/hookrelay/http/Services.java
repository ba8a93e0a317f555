package io.hookrelay.http;

import io.hookrelay.config.Config;
import io.hookrelay.crypto.SecretBox;
import io.hookrelay.dashboard.DeliveryOutcomeFeed;
import io.hookrelay.event.EventSchemas;
import io.hookrelay.tenant.ApiKeyCache;
import io.hookrelay.net.TargetUrlPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;

/** What the HTTP verticles share: built once at start-up, immutable afterwards. */
public record Services(
        Config config,
        Pool pool,
        SecretBox secretBox,
        String adminToken,
        TargetUrlPolicy targets,
        PrometheusMeterRegistry registry,
        OpenAPIContract contract,
        Buffer contractYaml,
        Idempotency idempotency,
        ApiKeyCache apiKeys,
        EventSchemas eventSchemas,
        DeliveryOutcomeFeed deliveryOutcomes) {
}

package io.hookrelay.event;

import io.hookrelay.http.ApiException;
import io.hookrelay.http.Problems;
import io.hookrelay.http.RawJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates event data against the schema of its type. Compiled validators are cached per (tenant,
 * type) for a short time so publishing does not read the catalogue on every event; changes made through
 * this instance take effect at once, changes made through another instance within {@link #TTL_NANOS}.
 */
public final class EventSchemas {

    static final long TTL_NANOS = 5_000_000_000L;
    private static final int MAX_ENTRIES = 10_000;

    private record Key(UUID tenantId, String type) {
    }

    private record Entry(Optional<Validator> validator, long loadedAt) {
    }

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonSchemaOptions OPTIONS =
            new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://hookrelay.dev/schemas/")
                    .setOutputFormat(OutputFormat.Basic);

    private final EventTypeRepository repository;
    private final Validator metaSchema;
    private final ConcurrentHashMap<Key, Entry> cache = new ConcurrentHashMap<>();

    public EventSchemas(Vertx vertx) {
        this.repository = new EventTypeRepository();
        this.metaSchema = SchemaRepository.create(OPTIONS).preloadMetaSchema(vertx.fileSystem(), Draft.DRAFT202012)
                .validator(META_SCHEMA);
    }

    /**
     * Compiles a schema given by a caller after checking it against the draft 2020-12 meta-schema; a
     * schema that is not one is the caller's error, not a 5xx at publish time.
     */
    Validator compile(JsonObject schema) {
        OutputUnit meta = metaSchema.validate(schema);
        if (!Boolean.TRUE.equals(meta.getValid())) {
            OutputUnit failing = Problems.deepestError(meta);
            String location = failing.getInstanceLocation() == null ? "" : failing.getInstanceLocation().replaceFirst("^#", "");
            throw ApiException.unprocessable("invalid-schema", "schema" + location + ": " + failing.getError()
                    + " (not a valid JSON Schema, draft 2020-12)");
        }
        try {
            // The validator annotates the object it is given, so it gets a copy of the caller's schema.
            return Validator.create(JsonSchema.of(schema.copy()), OPTIONS);
        } catch (RuntimeException e) {
            throw ApiException.unprocessable("invalid-schema", "schema: not a usable JSON Schema: "
                    + Problems.clip(String.valueOf(e.getMessage()), 200));
        }
    }

    Future<Void> check(SqlClient sql, UUID tenantId, String type, Object data) {
        Key key = new Key(tenantId, type);
        Entry entry = cache.get(key);
        if (entry != null && System.nanoTime() - entry.loadedAt() < TTL_NANOS) {
            return validate(entry.validator(), type, data);
        }
        return repository.schema(sql, tenantId, type).compose(schema -> {
            Optional<Validator> validator = schema.map(this::compile);
            if (cache.size() > MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(key, new Entry(validator, System.nanoTime()));
            return validate(validator, type, data);
        });
    }

    public void forget(UUID tenantId, String type) {
        cache.remove(new Key(tenantId, type));
    }

    private static Future<Void> validate(Optional<Validator> validator, String type, Object data) {
        if (validator.isEmpty()) {
            return Future.succeededFuture();
        }
        OutputUnit result = validator.get().validate(data instanceof RawJson raw ? raw.decode() : data);
        if (Boolean.TRUE.equals(result.getValid())) {
            return Future.succeededFuture();
        }
        OutputUnit failing = Problems.deepestError(result);
        String location = failing.getInstanceLocation() == null ? "" : failing.getInstanceLocation().replaceFirst("^#", "");
        return Future.failedFuture(ApiException.unprocessable("schema-mismatch",
                "data" + location + ": " + failing.getError() + " (the schema of event type " + type + ")"));
    }

}

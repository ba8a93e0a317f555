package io.hookrelay.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The contract as Vert.x's request validation sees it, with one change: a schema's validator is built once
 * and reused. Vert.x 5.0 builds a new one for every parameter and body of every request, copying the whole
 * contract's schema table each time, which cost the publish endpoint more CPU than the rest of its work.
 * A validator keeps no state between validations, so one per schema serves every request and thread.
 */
final class CachedSchemaValidators implements OpenAPIContract {

    private final OpenAPIContract contract;
    private final SchemaRepository schemas;

    CachedSchemaValidators(OpenAPIContract contract) {
        this.contract = contract;
        this.schemas = new Repository(contract);
    }

    @Override
    public SchemaRepository getSchemaRepository() {
        return schemas;
    }

    @Override
    public Operation operation(String operationId) {
        return contract.operation(operationId);
    }

    @Override
    public List<Operation> operations() {
        return contract.operations();
    }

    @Override
    public List<Path> getPaths() {
        return contract.getPaths();
    }

    @Override
    public JsonObject getRawContract() {
        return contract.getRawContract();
    }

    @Override
    public OpenAPIVersion getVersion() {
        return contract.getVersion();
    }

    @Override
    public List<Server> getServers() {
        return contract.getServers();
    }

    @Override
    public Path findPath(String urlPath) {
        return contract.findPath(urlPath);
    }

    @Override
    public Operation findOperation(String urlPath, HttpMethod method) {
        return contract.findOperation(urlPath, method);
    }

    @Override
    public List<SecurityRequirement> getSecurityRequirements() {
        return contract.getSecurityRequirements();
    }

    @Override
    public SecurityScheme securityScheme(String name) {
        return contract.securityScheme(name);
    }

    /**
     * Builds a validator for every parameter and request body of the contract once; those are the schemas the
     * request validator asks for. Any other schema is passed on to the contract's own repository.
     */
    private static final class Repository implements SchemaRepository {

        private final SchemaRepository repository;
        // The contract's schemas are objects made once when it is loaded, so identity is the key (hashing a
        // schema's content on every request would cost much of what the cache saves). Filled in the
        // constructor and only read afterwards, so every thread may read it.
        private final Map<JsonSchema, Validator> validators = new IdentityHashMap<>();

        private Repository(OpenAPIContract contract) {
            this.repository = contract.getSchemaRepository();
            for (Operation operation : contract.operations()) {
                operation.getParameters().forEach(parameter -> prebuild(parameter.getSchema()));
                if (operation.getRequestBody() != null) {
                    operation.getRequestBody().getContent().values().forEach(type -> prebuild(type.getSchema()));
                }
            }
        }

        private void prebuild(JsonSchema schema) {
            if (schema != null) {
                validators.computeIfAbsent(schema, repository::validator);
            }
        }

        @Override
        public Validator validator(JsonSchema schema) {
            Validator prebuilt = validators.get(schema);
            return prebuilt != null ? prebuilt : repository.validator(schema);
        }

        @Override
        public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
            repository.dereference(schema);
            return this;
        }

        @Override
        public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
            repository.dereference(uri, schema);
            return this;
        }

        @Override
        public SchemaRepository preloadMetaSchema(FileSystem fs) {
            repository.preloadMetaSchema(fs);
            return this;
        }

        @Override
        public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
            repository.preloadMetaSchema(fs, draft);
            return this;
        }

        @Override
        public Validator validator(String ref) {
            return repository.validator(ref);
        }

        @Override
        public Validator validator(String ref, JsonSchemaOptions options) {
            return repository.validator(ref, options);
        }

        @Override
        public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
            return repository.validator(schema, options, dereference);
        }

        @Override
        public JsonObject resolve(JsonObject schema) {
            return repository.resolve(schema);
        }

        @Override
        public JsonSchema find(String pointer) {
            return repository.find(pointer);
        }
    }
}

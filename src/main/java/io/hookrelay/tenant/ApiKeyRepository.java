package io.hookrelay.tenant;

import io.hookrelay.http.Principal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public final class ApiKeyRepository {

    private static final String COLUMNS = "id, tenant_id, name, prefix, created_at, revoked_at";
    private static final String INSERT = """
            INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
            RETURNING id, tenant_id, name, prefix, created_at, revoked_at
            """;
    private static final String FIND = "SELECT " + COLUMNS + " FROM api_keys WHERE id = $1";
    private static final String PAGE = """
            SELECT id, tenant_id, name, prefix, created_at, revoked_at FROM api_keys
            WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """;
    // Revoking twice keeps the first revocation time.
    private static final String REVOKE = """
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
            RETURNING id, tenant_id, name, prefix, created_at, revoked_at
            """;
    private static final String BY_HASH = """
            SELECT id, tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL
            """;

    private final SqlClient pool;

    public ApiKeyRepository(SqlClient pool) {
        this.pool = pool;
    }

    /** The lookup behind every tenant call's authentication. */
    public Future<Optional<Principal>> findActiveByHash(byte[] hash) {
        return pool.preparedQuery(BY_HASH).execute(Tuple.of(Buffer.buffer(hash))).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(Principal.tenant(row.getUUID("tenant_id"), row.getUUID("id")));
        });
    }

    Future<ApiKey> insert(SqlClient sql, UUID id, UUID tenantId, String name, String prefix, byte[] hash) {
        return sql.preparedQuery(INSERT).execute(Tuple.of(id, tenantId, name, prefix, Buffer.buffer(hash)))
                .map(rows -> map(rows.iterator().next()));
    }

    Future<Optional<ApiKey>> find(UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    Future<Optional<ApiKey>> revoke(UUID id) {
        return pool.preparedQuery(REVOKE).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    Future<List<ApiKey>> page(UUID tenantId, UUID after, int count) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(tenantId, after, count)).map(rows -> {
            List<ApiKey> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(map(row)));
            return list;
        });
    }

    private static ApiKey map(Row row) {
        return new ApiKey(row.getUUID("id"), row.getUUID("tenant_id"), row.getString("name"), row.getString("prefix"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("revoked_at"));
    }
}

package io.hookrelay.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

final class TenantRepository {

    private static final String INSERT = """
            INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, created_at
            """;
    private static final String FIND = "SELECT id, name, created_at FROM tenants WHERE id = $1";
    private static final String PAGE = """
            SELECT id, name, created_at FROM tenants
            WHERE ($1::uuid IS NULL OR id < $1)
            ORDER BY id DESC LIMIT $2
            """;

    Future<Tenant> insert(SqlClient sql, UUID id, String name) {
        return sql.preparedQuery(INSERT).execute(Tuple.of(id, name)).map(rows -> map(rows.iterator().next()));
    }

    Future<Optional<Tenant>> find(SqlClient sql, UUID id) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    Future<List<Tenant>> page(SqlClient sql, UUID after, int count) {
        return sql.preparedQuery(PAGE).execute(Tuple.of(after, count)).map(rows -> {
            List<Tenant> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(map(row)));
            return list;
        });
    }

    private static Tenant map(Row row) {
        return new Tenant(row.getUUID("id"), row.getString("name"), row.getOffsetDateTime("created_at"));
    }
}

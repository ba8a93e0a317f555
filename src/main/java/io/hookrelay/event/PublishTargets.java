package io.hookrelay.event;

import io.hookrelay.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Checks that the subscriptions an event names ({@code subscription_ids}) are the publishing tenant's own. */
final class PublishTargets {

    private static final String OWNED = """
            SELECT id FROM subscriptions WHERE tenant_id = $1 AND id = ANY($2)
            """;

    Future<Void> check(SqlClient sql, UUID tenantId, List<UUID> targets) {
        if (targets == null) {
            return Future.succeededFuture();
        }
        return owned(sql, tenantId, new HashSet<>(targets)).map(owned -> {
            if (owned.size() != targets.size()) {
                throw unknown("subscription_ids");
            }
            return null;
        });
    }

    /** Of the ids given, those that are the tenant's subscriptions. */
    Future<Set<UUID>> owned(SqlClient sql, UUID tenantId, Set<UUID> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return sql.preparedQuery(OWNED).execute(Tuple.tuple().addValue(tenantId).addValue(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> owned = new HashSet<>();
                    rows.forEach(row -> owned.add(row.getUUID("id")));
                    return owned;
                });
    }

    static ApiException unknown(String where) {
        return ApiException.unprocessable("unknown-subscription", where + ": names a subscription this tenant does not have");
    }
}

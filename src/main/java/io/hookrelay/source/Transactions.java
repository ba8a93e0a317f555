package io.hookrelay.source;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * Runs work in a transaction on a connection that may already be in one: an Idempotency-Key request
 * arrives inside the key's transaction, a request without one on a bare connection.
 */
final class Transactions {

    private Transactions() {
    }

    static <T> Future<T> within(SqlConnection conn, Function<SqlConnection, Future<T>> work) {
        if (conn.transaction() != null) {
            return Future.<Void>succeededFuture().compose(ignored -> work.apply(conn));
        }
        return conn.begin().compose(tx -> Future.<Void>succeededFuture()
                .compose(ignored -> work.apply(conn))
                .compose(result -> tx.commit().map(result),
                        failure -> tx.rollback().transform(ignored -> Future.<T>failedFuture(failure))));
    }
}

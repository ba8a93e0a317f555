package io.hookrelay.http;

import io.hookrelay.crypto.SecretBox;
import io.hookrelay.crypto.Tokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs a state-changing operation in one transaction together with its {@code Idempotency-Key} record.
 * A duplicate that races the first request blocks on the key's primary key until the first commits and
 * then replays its stored answer; if the first fails, its key row rolls back with it and the key is free.
 */
public final class Idempotency {

    public static final String HEADER = "Idempotency-Key";

    private static final String CLAIM = """
            INSERT INTO idempotency_keys (scope, key, request_hash, created_at)
            VALUES ($1, $2, $3, now())
            ON CONFLICT (scope, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, status_code = 0, response_body = NULL, created_at = now()
                WHERE idempotency_keys.created_at < now() - make_interval(secs => $4)
            RETURNING true
            """;
    private static final String STORE = """
            UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE scope = $1 AND key = $2
            """;
    private static final String FIRST_ANSWER = """
            SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2
            """;
    private static final String EXPIRE = "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)";

    private final Pool pool;
    private final Duration ttl;
    private final SecretBox box;

    public Idempotency(Pool pool, Duration ttl, SecretBox box) {
        this.pool = pool;
        this.ttl = ttl;
        this.box = box;
    }

    public Future<Reply> run(RoutingContext ctx, Principal principal, Function<SqlConnection, Future<Reply>> operation) {
        String key = ctx.request().getHeader(HEADER);
        if (key == null) {
            // Without a key there is nothing to make atomic with the work, so skip BEGIN/COMMIT round trips.
            return pool.withConnection(operation);
        }
        if (key.isBlank() || key.length() > 255) {
            return Future.failedFuture(ApiException.badRequest("Idempotency-Key must be 1 to 255 characters"));
        }
        byte[] fingerprint = fingerprint(ctx);
        Tuple id = Tuple.of(principal.scope(), key);
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
                .execute(Tuple.of(principal.scope(), key, Buffer.buffer(fingerprint), (double) ttl.toSeconds()))
                .compose(claimed -> claimed.size() == 1
                        ? operation.apply(conn).compose(reply -> store(conn, id, reply))
                        : replay(conn, id, fingerprint, ctx)));
    }

    /** Forgets keys past their time to live; run periodically by the housekeeping timer. */
    public Future<Integer> expireOld() {
        return pool.preparedQuery(EXPIRE).execute(Tuple.of((double) ttl.toSeconds())).map(rows -> rows.rowCount());
    }

    private Future<Reply> store(SqlConnection conn, Tuple id, Reply reply) {
        Buffer body = reply.body() == null ? null : Buffer.buffer(box.seal(reply.body().encode(), context(id)));
        return conn.preparedQuery(STORE).execute(Tuple.of(id.getValue(0), id.getValue(1), reply.status(), body))
                .map(reply);
    }

    private static String context(Tuple id) {
        return "idempotency:" + id.getValue(0) + ":" + id.getValue(1);
    }

    private Future<Reply> replay(SqlConnection conn, Tuple id, byte[] fingerprint, RoutingContext ctx) {
        return conn.preparedQuery(FIRST_ANSWER).execute(id).map(rows -> {
            Row first = rows.iterator().next();
            if (!MessageDigest.isEqual(first.getBuffer("request_hash").getBytes(), fingerprint)) {
                throw ApiException.conflict("idempotency-key-reused",
                        "this Idempotency-Key was already used with a different request; use a new key for a new request");
            }
            ctx.response().putHeader("idempotent-replayed", "true");
            Buffer sealed = first.getBuffer("response_body");
            return new Reply(first.getInteger("status_code"),
                    sealed == null ? null : new JsonObject(box.open(sealed.getBytes(), context(id))));
        });
    }

    private static byte[] fingerprint(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        String head = ctx.request().method().name() + " " + ctx.request().path() + "\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes();
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return Tokens.sha256(all);
    }
}

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final String CLAIM_ITEMS = """
            INSERT INTO idempotency_keys (scope, key, request_hash, created_at)
            SELECT $1, item.key, item.hash, now() FROM unnest($2::text[], $3::bytea[]) AS item (key, hash)
            ORDER BY item.key
            ON CONFLICT (scope, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, status_code = 0, response_body = NULL, created_at = now()
                WHERE idempotency_keys.created_at < now() - make_interval(secs => $4)
            RETURNING key
            """;
    private static final String FIRST_ITEMS = """
            SELECT key, request_hash, response_body FROM idempotency_keys WHERE scope = $1 AND key = ANY($2)
            """;
    private static final String STORE_ITEMS = """
            UPDATE idempotency_keys SET status_code = 202, response_body = item.body
            FROM unnest($2::text[], $3::bytea[]) AS item (key, body)
            WHERE scope = $1 AND idempotency_keys.key = item.key
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

    /** A batch item's key and the SHA-256 of the item's text. */
    public record ItemKey(String key, byte[] fingerprint) {
    }

    /** The answer stored for an item key that was used before, and whether the item then was the same. */
    public record FirstItem(boolean sameItem, String answer) {
    }

    /**
     * Claims the keys of a batch's items inside the batch's transaction: the keys answered are new (or had
     * expired) and now belong to this transaction; for the others see {@link #firstItems}. A racing batch
     * with the same keys waits here until this one ends. Keys are taken in sorted order, so two batches
     * sharing keys cannot deadlock. Item keys are a namespace of their own beside the caller's header keys.
     */
    public Future<Set<String>> claimItems(SqlConnection conn, Principal principal, List<ItemKey> items) {
        String[] keys = new String[items.size()];
        Buffer[] hashes = new Buffer[items.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = items.get(i).key();
            hashes[i] = Buffer.buffer(items.get(i).fingerprint());
        }
        return conn.preparedQuery(CLAIM_ITEMS)
                .execute(Tuple.tuple().addValue(itemScope(principal)).addValue(keys).addValue(hashes)
                        .addValue((double) ttl.toSeconds()))
                .map(rows -> {
                    Set<String> claimed = new HashSet<>();
                    rows.forEach(row -> claimed.add(row.getString("key")));
                    return claimed;
                });
    }

    /** The stored answers of item keys used before, opened, by key. */
    public Future<Map<String, FirstItem>> firstItems(SqlConnection conn, Principal principal, List<ItemKey> items) {
        if (items.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        String scope = itemScope(principal);
        Map<String, byte[]> fingerprints = new HashMap<>();
        items.forEach(item -> fingerprints.put(item.key(), item.fingerprint()));
        return conn.preparedQuery(FIRST_ITEMS)
                .execute(Tuple.tuple().addValue(scope).addValue(fingerprints.keySet().toArray(String[]::new)))
                .map(rows -> {
                    Map<String, FirstItem> found = new HashMap<>();
                    for (Row row : rows) {
                        String key = row.getString("key");
                        boolean same = MessageDigest.isEqual(row.getBuffer("request_hash").getBytes(), fingerprints.get(key));
                        Buffer sealed = row.getBuffer("response_body");
                        found.put(key, new FirstItem(same, same && sealed != null
                                ? box.open(sealed.getBytes(), context(scope, key)) : null));
                    }
                    return found;
                });
    }

    /** Stores each claimed item key's answer (sealed, as header answers are), in the batch's transaction. */
    public Future<Void> storeItems(SqlConnection conn, Principal principal, List<String> keys, List<String> answers) {
        if (keys.isEmpty()) {
            return Future.succeededFuture();
        }
        String scope = itemScope(principal);
        Buffer[] sealed = new Buffer[keys.size()];
        for (int i = 0; i < sealed.length; i++) {
            sealed[i] = Buffer.buffer(box.seal(answers.get(i), context(scope, keys.get(i))));
        }
        return conn.preparedQuery(STORE_ITEMS).execute(Tuple.tuple().addValue(scope).addValue(keys.toArray(String[]::new)).addValue(sealed))
                .mapEmpty();
    }

    private static String itemScope(Principal principal) {
        return principal.scope() + "/events/batch";
    }

    /** Forgets keys past their time to live; run periodically by the housekeeping timer. */
    public Future<Integer> expireOld() {
        return pool.preparedQuery(EXPIRE).execute(Tuple.of((double) ttl.toSeconds())).map(rows -> rows.rowCount());
    }

    private Future<Reply> store(SqlConnection conn, Tuple id, Reply reply) {
        Buffer text = reply.text();
        Buffer body = text == null ? null : Buffer.buffer(box.seal(text.toString(), context(id)));
        return conn.preparedQuery(STORE).execute(Tuple.of(id.getValue(0), id.getValue(1), reply.status(), body))
                .map(reply);
    }

    private static String context(Tuple id) {
        return context((String) id.getValue(0), (String) id.getValue(1));
    }

    /** What a sealed answer is bound to: its scope and key, so one cannot be replayed as another's. */
    private static String context(String scope, String key) {
        return "idempotency:" + scope + ":" + key;
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

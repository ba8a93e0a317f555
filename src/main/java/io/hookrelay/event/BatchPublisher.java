package io.hookrelay.event;

import io.hookrelay.crypto.Tokens;
import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.BodyException;
import io.hookrelay.http.Idempotency;
import io.hookrelay.http.Principal;
import io.hookrelay.http.ReadObject;
import io.hookrelay.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/events/batch}: many events in one transaction, all or none. Every refusal names the event
 * by its index. Items with an {@code idempotency_key} used before are answered with their first result and
 * not stored again; their keys are claimed in the same transaction as the events, as header keys are.
 */
final class BatchPublisher {

    private static final Pattern ITEM = Pattern.compile("^/events/(\\d+)(/.*)?$");

    private final Pool pool;
    private final Idempotency idempotency;
    private final EventSchemas schemas;
    private final PublishTargets targets;
    private final int maxItemBytes;

    BatchPublisher(Pool pool, Idempotency idempotency, EventSchemas schemas, PublishTargets targets, int maxItemBytes) {
        this.pool = pool;
        this.idempotency = idempotency;
        this.schemas = schemas;
        this.targets = targets;
        this.maxItemBytes = maxItemBytes;
    }

    Future<Reply> publish(RoutingContext ctx, Principal tenant, Object body) {
        List<PublishItem> items = items((ReadObject) body);
        byte[] bytes = ctx.body().buffer().getBytes();
        List<Idempotency.ItemKey> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            PublishItem item = items.get(i);
            if (item.length() > maxItemBytes) {
                throw new ApiException(413, "payload-too-large", "Payload too large", "body /events/" + i
                        + ": the event's JSON text is " + item.length() + " bytes, over the limit of " + maxItemBytes
                        + " bytes for one event").about(i);
            }
            if (item.key() != null) {
                if (!seen.add(item.key())) {
                    throw ApiException.validation("body /events/" + i + "/idempotency_key: an earlier event of this"
                            + " batch has the same key; every event needs a key of its own").about(i);
                }
                keys.add(new Idempotency.ItemKey(item.key(), Tokens.sha256(bytes, item.from(), item.length())));
            }
        }
        return checkSchemas(tenant.tenantId(), items, 0).compose(valid -> {
            if (ctx.request().getHeader(Idempotency.HEADER) == null) {
                return pool.withTransaction(conn -> write(conn, tenant, items, keys));
            }
            return idempotency.run(ctx, tenant, conn -> write(conn, tenant, items, keys));
        });
    }

    private static List<PublishItem> items(ReadObject body) {
        List<?> raw = (List<?>) body.fields().get("events");
        List<PublishItem> items = new ArrayList<>(raw.size());
        try {
            for (int i = 0; i < raw.size(); i++) {
                items.add(PublishItem.of((ReadObject) raw.get(i), "/events/" + i));
            }
        } catch (BodyException e) {
            throw aboutItem(e);
        }
        return items;
    }

    /** A refusal of the body, naming the event it concerns when it concerns one. */
    static ApiException aboutItem(BodyException e) {
        Matcher item = ITEM.matcher(e.pointer());
        return item.matches() ? e.toProblem().about(Integer.parseInt(item.group(1))) : e.toProblem();
    }

    /** One after the other: almost always answered from the cache of compiled schemas without waiting. */
    private Future<Void> checkSchemas(UUID tenantId, List<PublishItem> items, int from) {
        for (int i = from; i < items.size(); i++) {
            PublishItem item = items.get(i);
            int index = i;
            Future<Void> checked = schemas.check(pool, tenantId, item.type(), item.data())
                    .recover(failure -> Future.failedFuture(failure instanceof ApiException api
                            ? new ApiException(api.status(), api.slug(), api.title(), "body /events/" + index + "/"
                            + api.getMessage()).about(index) : failure));
            if (!checked.isComplete()) {
                return checked.compose(ok -> checkSchemas(tenantId, items, index + 1));
            }
            if (checked.failed()) {
                return checked;
            }
        }
        return Future.succeededFuture();
    }

    private Future<Reply> write(SqlConnection conn, Principal tenant, List<PublishItem> items, List<Idempotency.ItemKey> keys) {
        return checkTargets(conn, tenant.tenantId(), items)
                .compose(ok -> keys.isEmpty() ? Future.succeededFuture(Set.<String>of())
                        : idempotency.claimItems(conn, tenant, keys))
                .compose(claimed -> {
                    List<Idempotency.ItemKey> usedBefore = keys.stream().filter(k -> !claimed.contains(k.key())).toList();
                    return idempotency.firstItems(conn, tenant, usedBefore)
                            .compose(first -> store(conn, tenant, items, claimed, first));
                });
    }

    private Future<Void> checkTargets(SqlConnection conn, UUID tenantId, List<PublishItem> items) {
        Set<UUID> named = new HashSet<>();
        items.forEach(item -> {
            if (item.targets() != null) {
                named.addAll(item.targets());
            }
        });
        return targets.owned(conn, tenantId, named).map(owned -> {
            for (int i = 0; i < items.size(); i++) {
                List<UUID> wanted = items.get(i).targets();
                if (wanted != null && !owned.containsAll(wanted)) {
                    throw PublishTargets.unknown("body /events/" + i + "/subscription_ids").about(i);
                }
            }
            return null;
        });
    }

    private Future<Reply> store(SqlConnection conn, Principal tenant, List<PublishItem> items, Set<String> claimed,
                                Map<String, Idempotency.FirstItem> first) {
        String[] answers = new String[items.size()];
        List<UUID> ids = new ArrayList<>();
        List<NewEvent> events = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            PublishItem item = items.get(i);
            Idempotency.FirstItem earlier = item.key() == null || claimed.contains(item.key()) ? null : first.get(item.key());
            if (earlier != null && !earlier.sameItem()) {
                throw ApiException.conflict("idempotency-key-reused", "body /events/" + i + "/idempotency_key: was"
                        + " already used with a different event; use a new key for a new event").about(i);
            }
            if (earlier != null && earlier.answer() != null) {
                answers[i] = earlier.answer();
            } else {
                ids.add(Ids.newId());
                events.add(item.toEvent(tenant.tenantId()));
                positions.add(i);
            }
        }
        Future<List<Event>> written = events.isEmpty() ? Future.succeededFuture(List.of()) : EventStore.insertAll(conn, ids, events);
        return written.compose(stored -> {
            List<String> newKeys = new ArrayList<>();
            List<String> newAnswers = new ArrayList<>();
            for (int j = 0; j < stored.size(); j++) {
                int i = positions.get(j);
                answers[i] = stored.get(j).toText().toString();
                if (items.get(i).key() != null) {
                    newKeys.add(items.get(i).key());
                    newAnswers.add(answers[i]);
                }
            }
            Set<Integer> fresh = new HashSet<>(positions);
            return idempotency.storeItems(conn, tenant, newKeys, newAnswers).map(done -> reply(answers, fresh));
        });
    }

    private static Reply reply(String[] answers, Set<Integer> fresh) {
        int size = 16;
        for (String answer : answers) {
            size += answer.length() + 40;
        }
        Buffer out = Buffer.buffer(size).appendString("{\"data\":[");
        for (int i = 0; i < answers.length; i++) {
            out.appendString(i == 0 ? "{\"index\":" : ",{\"index\":").appendString(Integer.toString(i))
                    .appendString(fresh.contains(i) ? ",\"replayed\":false,\"event\":" : ",\"replayed\":true,\"event\":")
                    .appendString(answers[i]).appendByte((byte) '}');
        }
        return Reply.encoded(202, out.appendString("]}"));
    }
}

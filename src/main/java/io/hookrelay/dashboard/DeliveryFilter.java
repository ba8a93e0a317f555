package io.hookrelay.dashboard;

import io.hookrelay.db.Ids;
import io.hookrelay.http.ApiException;
import io.hookrelay.http.TextRules;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The filters of the delivery list and of the bulk retry: all optional, combined with AND.
 * {@code since}/{@code until} bound the creation time.
 */
record DeliveryFilter(UUID subscriptionId, UUID eventId, String status, OffsetDateTime since, OffsetDateTime until) {

    static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed", "parked");

    /**
     * Delivery ids are UUIDv7, taken from the clock when the row is written, never before its
     * created_at (the transaction's start). Bounding ids lets a time filter walk the same index as the
     * ordering; the slack covers transactions that write a delivery this long after they started.
     */
    private static final Duration ID_CLOCK_SLACK = Duration.ofMinutes(1);

    /** Reads the filters by name from query parameters or a JSON body. */
    static DeliveryFilter from(Function<String, String> field) {
        UUID subscription = id(field.apply("subscription_id"), "subscription_id", "subscription");
        UUID event = id(field.apply("event_id"), "event_id", "event");
        String status = field.apply("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.validation("status: must be one of pending, succeeded, failed, parked");
        }
        OffsetDateTime since = time(field.apply("since"), "since");
        OffsetDateTime until = time(field.apply("until"), "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.validation("since: must be before until");
        }
        return new DeliveryFilter(subscription, event, status, since, until);
    }

    boolean narrowsBeyondStatus() {
        return subscriptionId != null || eventId != null || since != null || until != null;
    }

    DeliveryFilter withStatus(String newStatus) {
        return new DeliveryFilter(subscriptionId, eventId, newStatus, since, until);
    }

    /** Adds this filter's conditions on the deliveries table aliased {@code d}. */
    void appendTo(SqlWhere where, Scope scope) {
        if (!scope.allTenants()) {
            where.and("d.tenant_id = ?", scope.tenantId());
        }
        if (subscriptionId != null) {
            where.and("d.subscription_id = ?", subscriptionId);
        }
        if (eventId != null) {
            where.and("d.event_id = ?", eventId);
        }
        if (status != null) {
            where.and("d.status = ?", status);
        }
        if (since != null) {
            where.and("d.id >= ?", Ids.v7Floor(since.toInstant()));
            where.and("d.created_at >= ?", since);
        }
        if (until != null) {
            where.and("d.id < ?", Ids.v7Floor(until.toInstant().plus(ID_CLOCK_SLACK)));
            where.and("d.created_at < ?", until);
        }
    }

    private static UUID id(String raw, String field, String what) {
        if (raw == null) {
            return null;
        }
        UUID id = Ids.parse(raw);
        if (id == null) {
            throw ApiException.validation(field + ": must be " + (what.startsWith("e") ? "an " : "a ") + what + " id (a UUID)");
        }
        return id;
    }

    private static OffsetDateTime time(String raw, String field) {
        return raw == null ? null : TextRules.time(raw, field);
    }
}

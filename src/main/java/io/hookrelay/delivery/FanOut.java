package io.hookrelay.delivery;

/**
 * What an event becomes: one pending delivery per active subscription of its tenant that it targets (all of
 * them, or those named in its {@code subscription_ids}) and whose event types match. The one statement that
 * makes deliveries from events, in two places: the dispatcher runs it over the events that came in undispatched
 * (from table watches, sources' SQL, the engine's own subscription.disabled events), and the service's own
 * event insert runs it in the same statement as the insert, so an event it writes is born dispatched, in one
 * commit with its deliveries, and never needs the dispatcher's second write of the event row.
 */
public final class FanOut {

    private FanOut() {
    }

    /**
     * An {@code INSERT INTO deliveries} of the deliveries of the events in {@code events}, a relation (a CTE) with
     * columns {@code id, seq, tenant_id, type, subscription_ids}.
     */
    public static String deliveriesOf(String events) {
        return """
                INSERT INTO deliveries (tenant_id, event_id, event_seq, subscription_id)
                SELECT b.tenant_id, b.id, b.seq, s.id
                FROM %s b JOIN subscriptions s ON s.tenant_id = b.tenant_id AND s.status = 'active'
                WHERE (b.subscription_ids IS NULL OR s.id = ANY (b.subscription_ids))
                  AND hookrelay_type_matches(s.event_types, b.type)
                """.formatted(events);
    }
}

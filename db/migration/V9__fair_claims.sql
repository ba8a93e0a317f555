-- Claims go subscription by subscription (see DeliveryClaims): each subscription's due deliveries are read
-- from its own slice of an index, so one subscription's backlog is never scanned to reach another's.
-- Ordered subscriptions send their oldest pending event first, so deliveries carry the event's seq.
ALTER TABLE deliveries ADD COLUMN event_seq bigint;
UPDATE deliveries d SET event_seq = e.seq FROM events e WHERE e.id = d.event_id;
ALTER TABLE deliveries ALTER COLUMN event_seq SET NOT NULL;

-- The lease moves out of next_attempt_at into a column no index covers, so that claiming a delivery
-- touches no index key and PostgreSQL can update the row in place (a HOT update); the free space per
-- page leaves room for that.
ALTER TABLE deliveries ADD COLUMN leased_until timestamptz;
UPDATE deliveries SET leased_until = next_attempt_at WHERE leased_by IS NOT NULL AND status = 'pending';
ALTER TABLE deliveries SET (fillfactor = 75);
COMMENT ON COLUMN deliveries.next_attempt_at IS 'When the delivery is next due; a lease (leased_until) holds it while in flight';
COMMENT ON COLUMN deliveries.leased_until IS 'End of the sending instance''s lease; after it the delivery is due again for any instance';

CREATE INDEX deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_queue_by_subscription ON deliveries (subscription_id, event_seq) WHERE status = 'pending';
-- Replaced by deliveries_due_by_subscription: nothing reads pending deliveries across subscriptions by time.
DROP INDEX deliveries_due;

-- Claims go subscription by subscription (see DeliveryClaims): each subscription's due deliveries are read
-- from its own slice of an index, so one subscription's backlog is never scanned to reach another's.
-- Ordered subscriptions send their oldest pending event first, so deliveries carry the event's seq.
ALTER TABLE deliveries ADD COLUMN event_seq bigint;
UPDATE deliveries d SET event_seq = e.seq FROM events e WHERE e.id = d.event_id;
ALTER TABLE deliveries ALTER COLUMN event_seq SET NOT NULL;

CREATE INDEX deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_queue_by_subscription ON deliveries (subscription_id, event_seq) WHERE status = 'pending';
-- Replaced by deliveries_due_by_subscription: nothing reads pending deliveries across subscriptions by time.
DROP INDEX deliveries_due;

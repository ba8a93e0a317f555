-- One lease per subscription's queue instead of one per delivery. The instance holding a queue's lease is
-- the only one that sends that subscription's deliveries, so a claim only reads them: no row lock, no
-- lease write per delivery. Those two writes (a lock record and an update, often not in place once a
-- page filled up) were half of PostgreSQL's work per delivery. A queue whose holder died is free again
-- when leased_until passes, and everything still pending in it is sent again with the same webhook-id.
CREATE TABLE delivery_queue_leases (
    subscription_id  uuid PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
    owner            text NOT NULL,
    leased_until     timestamptz NOT NULL
);
COMMENT ON TABLE delivery_queue_leases IS 'Which instance sends each subscription''s deliveries, until when';

ALTER TABLE deliveries DROP COLUMN leased_by, DROP COLUMN leased_until;
COMMENT ON COLUMN deliveries.next_attempt_at IS 'When the delivery is next due; the queue''s lease holder sends it then';

-- A queue is read from where this instance's last claim of it ended, (next_attempt_at, id), so a claim does
-- not pass again over the deliveries it still holds (in flight, or their outcome not yet committed).
DROP INDEX deliveries_due_by_subscription;
CREATE INDEX deliveries_due_by_subscription ON deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending';

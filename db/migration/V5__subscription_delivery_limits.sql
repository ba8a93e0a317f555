-- Per-subscription delivery limits: how many requests may be in flight at once (NULL: the service's
-- HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION), and ordered mode (one at a time, in event order).
ALTER TABLE subscriptions
    ADD COLUMN max_in_flight integer CHECK (max_in_flight BETWEEN 1 AND 256),
    ADD COLUMN ordered boolean NOT NULL DEFAULT false;

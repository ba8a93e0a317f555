-- `attempts` was the count of the current retry cycle: a manual retry, a recover or an enable set it back
-- to 0 while the delivery's attempt history kept growing, so the dashboard showed "1 attempt" beside three
-- recorded ones. The cycle count keeps its job (the retry policy and HOOKRELAY_RETRY_MAX_ATTEMPTS count
-- it) under its own name, and `attempts` becomes the total ever made.
ALTER TABLE deliveries RENAME COLUMN attempts TO cycle_attempts;
ALTER TABLE deliveries ADD COLUMN attempts integer NOT NULL DEFAULT 0;

-- The history is the record of every attempt, unless retention deleted old ones; the cycle count is
-- never more than the total, so it is the floor when the history is incomplete.
UPDATE deliveries d SET attempts = greatest(d.cycle_attempts, a.made)
FROM (SELECT delivery_id, count(*)::integer AS made FROM delivery_attempts GROUP BY delivery_id) a
WHERE a.delivery_id = d.id;
UPDATE deliveries SET attempts = cycle_attempts WHERE attempts < cycle_attempts;

-- Neither column may enter an index: the outcome writer updates both on every attempt, and an update
-- that touches no indexed column can stay on its page (HOT) without new index entries.
COMMENT ON COLUMN deliveries.attempts IS
    'Attempts made in total, over every retry cycle; equals its delivery_attempts rows unless retention removed old ones';
COMMENT ON COLUMN deliveries.cycle_attempts IS
    'Attempts made in the current retry cycle (since creation, or the last retry, recover or enable); the retry policy and HOOKRELAY_RETRY_MAX_ATTEMPTS count these';

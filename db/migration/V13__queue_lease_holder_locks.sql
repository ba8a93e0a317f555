-- A queue's lease also names the advisory lock its holder keeps on a session of its own for as long as it
-- runs. PostgreSQL drops that lock the moment the holder's session ends (the process was killed, the machine
-- went away), so other instances, and the holder's own restart, see a dead holder at once instead of waiting
-- for its lease to run out. NULL: a holder that keeps no such lock (an older version), whose leases are only
-- ever taken over once they run out.
ALTER TABLE delivery_queue_leases ADD COLUMN owner_lock_key integer;
COMMENT ON COLUMN delivery_queue_leases.owner_lock_key IS
    'The holder''s session advisory lock (pg_advisory_lock(1752133483, key)); free means the holder is gone';

-- Stream positions. seq is assigned at insert but transactions commit out of order, so a reader that
-- resumes from "seq > cursor" can skip an event whose lower seq commits after a higher one was read.
-- Each event therefore records its writing transaction. Readers hand out only events whose transaction
-- is below pg_snapshot_xmin(pg_current_snapshot()) (every transaction below that horizon has ended, so
-- nothing new can appear there) and order them by (xid, seq): every event committed later belongs to a
-- transaction at or above the horizon, so it sorts after everything already handed out.
-- Existing rows all get the id of this migration's transaction: they are committed, seq orders them.
ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- The per-instance feed reads every tenant in position order. Catch-up and long polls read one tenant
-- through the same index, filtering by tenant: they start from a recent cursor, and a second index on
-- (tenant_id, xid, seq) cost about a fifth of the publish rate.
CREATE INDEX events_by_position ON events (xid, seq);

-- The service fans the events it writes out to deliveries in the same statement, so they are written
-- dispatched; only events that come in undispatched (table watches, SQL of the engine's own) need the
-- dispatcher. They say so with a payload of their own on the events channel, so that the dispatcher's
-- statement no longer runs once per publishing commit for nothing. Deduplicated within a transaction by
-- PostgreSQL, so a statement that writes many such rows sends one. The statement trigger (V2) still wakes
-- every reader of the channel for every write.
CREATE FUNCTION hookrelay_notify_undispatched() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('hookrelay_events', 'undispatched');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_notify_undispatched AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.dispatched_at IS NULL) EXECUTE FUNCTION hookrelay_notify_undispatched();

-- Table watches (kind = 'table' sources). One trigger function serves every watch; each watch's trigger
-- passes (source id, tenant id, event type prefix). The function writes the change into events in the
-- transaction of the change itself, so a rolled-back change leaves no event.
--
-- SECURITY DEFINER: it runs as Hookrelay's role, so applications writing a watched table need no rights on
-- events; EXECUTE is revoked from PUBLIC so no other role can attach it to a table of its own and forge
-- events. search_path is pinned (pg_catalog implicitly first, pg_temp last).
CREATE OR REPLACE FUNCTION hookrelay_table_change() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = "${flyway:defaultSchema}", pg_temp
AS $function$
DECLARE
    watch_id     uuid := TG_ARGV[0];
    tenant       uuid := TG_ARGV[1];
    type_prefix  text := TG_ARGV[2];
    watched      text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    old_row      jsonb;
    new_row      jsonb;
    change       text;
    payload      jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        change := 'created';
        payload := jsonb_build_object('operation', 'insert', 'table', watched, 'new', to_jsonb(NEW));
    ELSIF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        -- Rewriting a row with the values it had changes nothing a receiver could act on.
        IF new_row = old_row THEN
            RETURN NULL;
        END IF;
        change := 'updated';
        payload := jsonb_build_object('operation', 'update', 'table', watched, 'new', new_row,
            'changes', (SELECT jsonb_object_agg(n.key, jsonb_build_object('old', o.value, 'new', n.value))
                          FROM jsonb_each(new_row) AS n JOIN jsonb_each(old_row) AS o ON o.key = n.key
                         WHERE n.value IS DISTINCT FROM o.value));
    ELSE
        change := 'deleted';
        payload := jsonb_build_object('operation', 'delete', 'table', watched, 'old', to_jsonb(OLD));
    END IF;
    -- A trigger that outlived its source row (removed by hand, or with its tenant) writes
    -- nothing, rather than failing the application's write on the events foreign key.
    INSERT INTO events (tenant_id, type, data, source_id)
    SELECT tenant, type_prefix || '.' || change, payload, watch_id
    WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = watch_id);
    RETURN NULL;
END
$function$;

REVOKE ALL ON FUNCTION hookrelay_table_change() FROM PUBLIC;

-- Foreign keys check every inserted row with a query of its own and lock the parent row, which is most of
-- the database's work per delivery that nothing else needs. Two go:

-- delivery_attempts -> deliveries. The outcome writer inserts a delivery's attempt in the transaction that
-- updated (and so locked) the delivery, or, when it lost the lease, after locking the delivery itself (see
-- DeliveryOutcomes). What the key still did, removing a deleted delivery's attempts, a statement trigger does
-- for every way a delivery can go (a deleted subscription, tenant or event cascades to its deliveries).
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey;

CREATE FUNCTION hookrelay_delete_attempts() RETURNS trigger AS $$
BEGIN
    DELETE FROM delivery_attempts a USING gone g WHERE a.delivery_id = g.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER deliveries_delete_attempts AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION hookrelay_delete_attempts();

-- deliveries -> tenants: a delivery belongs to a subscription and an event of the same tenant, and both
-- keys cascade, so deleting the tenant already removes its deliveries.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_tenant_id_fkey;

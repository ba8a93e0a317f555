-- Optional Ed25519 signing per subscription: the private key sealed like the HMAC secrets, the public
-- key (whpk_...) in the clear for the tenant to hand to its receivers.
ALTER TABLE subscriptions
    ADD COLUMN ed25519_secret_enc bytea,
    ADD COLUMN ed25519_public_key text;

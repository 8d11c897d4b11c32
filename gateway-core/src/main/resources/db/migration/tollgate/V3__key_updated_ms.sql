-- When an admin-API key was last written (epoch ms, the writing gateway's clock). Every replica re-reads
-- the keys changed since its previous read every few seconds instead of the whole table: with 20k keys
-- the full read cost ~110 ms of CPU every 5 s. Rows written before this column existed hold 0; the
-- periodic full read still sees them.
ALTER TABLE gateway_keys ADD COLUMN updated_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX gateway_keys_updated ON gateway_keys (updated_ms);

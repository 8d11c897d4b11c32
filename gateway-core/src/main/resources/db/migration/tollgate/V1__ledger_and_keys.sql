-- Portable SQL: runs unchanged on SQLite (default) and PostgreSQL. Times are epoch milliseconds (UTC).
CREATE TABLE gateway_requests (
    ts_ms           BIGINT           NOT NULL,
    request_id      VARCHAR(128)     NOT NULL,
    key_id          VARCHAR(256)     NOT NULL,
    team            VARCHAR(256),
    user_id         VARCHAR(256),
    tags            TEXT             NOT NULL,
    alias           VARCHAR(256)     NOT NULL,
    provider        VARCHAR(256)     NOT NULL,
    upstream_model  VARCHAR(256)     NOT NULL,
    prompt_id       VARCHAR(256),
    prompt_version  INTEGER,
    prompt_hash     VARCHAR(128),
    input_tokens    BIGINT           NOT NULL,
    output_tokens   BIGINT           NOT NULL,
    cache_read_tokens  BIGINT        NOT NULL,
    cache_write_tokens BIGINT        NOT NULL,
    reasoning_tokens   BIGINT        NOT NULL,
    cost_usd        DOUBLE PRECISION NOT NULL,
    priced          INTEGER          NOT NULL,
    cost_saved_usd  DOUBLE PRECISION NOT NULL,
    latency_ms      BIGINT           NOT NULL,
    ttft_ms         BIGINT,
    status          INTEGER          NOT NULL,
    error_code      VARCHAR(128),
    cache_status    VARCHAR(16)      NOT NULL,
    attempts        INTEGER          NOT NULL
);
CREATE INDEX gateway_requests_ts ON gateway_requests (ts_ms);
CREATE INDEX gateway_requests_key_ts ON gateway_requests (key_id, ts_ms);
CREATE INDEX gateway_requests_team_ts ON gateway_requests (team, ts_ms);

-- Virtual keys created through the admin API (config keys live in the config file). Only the hash is stored.
CREATE TABLE gateway_keys (
    id             VARCHAR(256)     NOT NULL PRIMARY KEY,
    key_sha256     CHAR(64)         NOT NULL UNIQUE,
    team           VARCHAR(256),
    models         TEXT             NOT NULL,
    metadata       TEXT             NOT NULL,
    rpm            INTEGER,
    tpm            INTEGER,
    budget_usd     DOUBLE PRECISION,
    budget_period  VARCHAR(16),
    max_cost_usd   DOUBLE PRECISION,
    expires_ms     BIGINT,
    revoked_ms     BIGINT,
    created_ms     BIGINT           NOT NULL
);

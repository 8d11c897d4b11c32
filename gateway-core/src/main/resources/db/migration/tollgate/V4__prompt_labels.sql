-- Prompt label moves made through the admin API, shared by every replica on this database (they used to
-- live in a JSON file per replica). A row is a label pointed at a version; clearing the override deletes it.
CREATE TABLE prompt_labels (
    prompt      VARCHAR(256)     NOT NULL,
    label       VARCHAR(256)     NOT NULL,
    version     INTEGER          NOT NULL,
    updated_ms  BIGINT           NOT NULL,
    PRIMARY KEY (prompt, label)
);

-- Every move, for the audit trail. seq orders moves made within the same millisecond (one past the
-- largest, taken in the move's own transaction).
CREATE TABLE prompt_label_moves (
    seq           BIGINT           NOT NULL,
    at_ms         BIGINT           NOT NULL,
    who           VARCHAR(256)     NOT NULL,
    prompt        VARCHAR(256)     NOT NULL,
    label         VARCHAR(256)     NOT NULL,
    from_version  INTEGER,
    to_version    INTEGER
);
CREATE INDEX prompt_label_moves_prompt ON prompt_label_moves (prompt, seq);

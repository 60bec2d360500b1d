-- Initial schema. Times are Unix nanoseconds (UTC), 0 meaning unset.
-- Names compare without regard to case through name_key (lower-cased by
-- the store); the stored spelling is in name.

CREATE TABLE iam_entities (
	account  TEXT NOT NULL,
	kind     TEXT NOT NULL,           -- user | group | role
	id       TEXT NOT NULL,           -- AIDA... | AGPA... | AROA...
	name     TEXT NOT NULL,
	name_key TEXT NOT NULL,
	path     TEXT NOT NULL,
	boundary TEXT NOT NULL DEFAULT '', -- permissions boundary policy ARN
	doc      BLOB NOT NULL,           -- the model type as JSON
	PRIMARY KEY (account, kind, name_key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_entities_id ON iam_entities (account, id);
CREATE INDEX iam_entities_boundary ON iam_entities (account, boundary) WHERE boundary <> '';

CREATE TABLE group_members (
	account  TEXT NOT NULL,
	group_id TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	PRIMARY KEY (account, group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (account, user_id);

CREATE TABLE managed_policies (
	account         TEXT NOT NULL,    -- 'aws' for AWS managed policies
	arn             TEXT NOT NULL,
	id              TEXT NOT NULL,
	name            TEXT NOT NULL,
	name_key        TEXT NOT NULL,
	path            TEXT NOT NULL,
	default_version INTEGER NOT NULL,
	next_version    INTEGER NOT NULL,
	doc             BLOB NOT NULL,
	PRIMARY KEY (account, arn)
) WITHOUT ROWID;
CREATE UNIQUE INDEX managed_policies_name ON managed_policies (account, name_key);

CREATE TABLE policy_versions (
	account  TEXT NOT NULL,
	arn      TEXT NOT NULL,
	version  INTEGER NOT NULL,
	document TEXT NOT NULL,
	created  INTEGER NOT NULL,
	PRIMARY KEY (account, arn, version)
) WITHOUT ROWID;

CREATE TABLE attachments (
	account    TEXT NOT NULL,
	entity_id  TEXT NOT NULL,
	policy_arn TEXT NOT NULL,
	PRIMARY KEY (account, entity_id, policy_arn)
) WITHOUT ROWID;
CREATE INDEX attachments_policy ON attachments (account, policy_arn);

CREATE TABLE inline_policies (
	account   TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	name_key  TEXT NOT NULL,
	name      TEXT NOT NULL,
	document  TEXT NOT NULL,
	PRIMARY KEY (account, entity_id, name_key)
) WITHOUT ROWID;

CREATE TABLE access_keys (
	id           TEXT NOT NULL PRIMARY KEY,
	account      TEXT NOT NULL,
	user_id      TEXT NOT NULL,       -- '' for the account root
	secret       TEXT NOT NULL,
	status       TEXT NOT NULL,
	created      INTEGER NOT NULL,
	last_used    INTEGER NOT NULL DEFAULT 0,
	last_service TEXT NOT NULL DEFAULT '',
	last_region  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX access_keys_user ON access_keys (account, user_id, created);

CREATE TABLE sessions (
	id      TEXT NOT NULL PRIMARY KEY,
	account TEXT NOT NULL,
	secret  TEXT NOT NULL,
	token   TEXT NOT NULL,
	expires INTEGER NOT NULL,
	doc     BLOB NOT NULL            -- the session without its secrets
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_account ON sessions (account);

CREATE TABLE resources (
	account TEXT NOT NULL,
	type    TEXT NOT NULL,
	id      TEXT NOT NULL,
	arn     TEXT NOT NULL,
	name    TEXT NOT NULL,
	status  TEXT NOT NULL,
	tags    BLOB NOT NULL,
	doc     BLOB NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	version INTEGER NOT NULL,
	PRIMARY KEY (account, type, id)
) WITHOUT ROWID;

CREATE TABLE audit_events (
	event_id        TEXT NOT NULL PRIMARY KEY,
	account         TEXT NOT NULL,
	event_time      INTEGER NOT NULL,
	event_name      TEXT NOT NULL,
	event_source    TEXT NOT NULL,
	username        TEXT NOT NULL,
	access_key_id   TEXT NOT NULL,
	source_identity TEXT NOT NULL,
	read_only       INTEGER NOT NULL,
	error_code      TEXT NOT NULL,
	denied          INTEGER NOT NULL,
	resources       BLOB NOT NULL,
	event           BLOB NOT NULL
);
-- Newest first by (event_time, event_id), per account, for every filter.
CREATE INDEX audit_time ON audit_events (account, event_time, event_id);
CREATE INDEX audit_name ON audit_events (account, event_name, event_time, event_id);
CREATE INDEX audit_source ON audit_events (account, event_source, event_time, event_id);
CREATE INDEX audit_user ON audit_events (account, username, event_time, event_id);
CREATE INDEX audit_key ON audit_events (account, access_key_id, event_time, event_id);
CREATE INDEX audit_identity ON audit_events (account, source_identity, event_time, event_id) WHERE source_identity <> '';
CREATE INDEX audit_error ON audit_events (account, error_code, event_time, event_id) WHERE error_code <> '';
CREATE INDEX audit_denied ON audit_events (account, event_time, event_id) WHERE denied = 1;

CREATE TABLE audit_resources (
	event_id   TEXT NOT NULL,
	account    TEXT NOT NULL,
	event_time INTEGER NOT NULL,
	type       TEXT NOT NULL,
	name       TEXT NOT NULL
);
CREATE INDEX audit_resources_event ON audit_resources (event_id);
CREATE INDEX audit_resources_type ON audit_resources (account, type, event_time, event_id);
CREATE INDEX audit_resources_name ON audit_resources (account, name, event_time, event_id);

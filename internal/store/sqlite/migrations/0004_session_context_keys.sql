-- A role session's context keys (sagemaker:DomainId and
-- sagemaker:UserProfileName of a SageMaker Studio session) move from a
-- separate resource of type sts:session-context, keyed by the session's
-- access key ID and never purged, into the session's own document
-- (model.Session.ContextKeys), which is stored and purged with it. Both
-- documents are JSON text in BLOB columns, read as text here (SQLite reads
-- a BLOB given to a JSON function as JSONB).
UPDATE sessions
SET doc = CAST(json_set(CAST(sessions.doc AS TEXT), '$.ContextKeys', json(CAST(r.doc AS TEXT))) AS BLOB)
FROM resources r
WHERE r.type = 'sts:session-context' AND r.account = sessions.account AND r.id = sessions.id;
DELETE FROM resources WHERE type = 'sts:session-context';

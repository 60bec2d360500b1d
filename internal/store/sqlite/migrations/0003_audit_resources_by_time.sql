-- An event's resources are matched through (account, type | name,
-- event_time, event_id), the indexes that the ResourceType and
-- ResourceName lookups use anyway, so the index by event ID alone is one
-- more b-tree written for every resource of every event, on a random page,
-- and read by nothing.
DROP INDEX IF EXISTS audit_resources_event;

-- Resources whose names are global across accounts (S3 buckets) are found
-- by (type, id) alone.
CREATE INDEX resources_global ON resources (type, id);

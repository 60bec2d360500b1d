package sqlite

// The queries on the request path (credential lookup, principal and policy
// loading, resource reads, audit writes), prepared once per connection
// pool when the store opens; see [stmtCache].
const (
	qGetEntity        = "SELECT id, name, doc FROM iam_entities WHERE account = ? AND kind = ? AND name_key = ?"
	qGetAccessKey     = "SELECT " + keyCols + " WHERE k.id = ?"
	qGetSession       = "SELECT account, secret, token, doc FROM sessions WHERE id = ?"
	qGetPolicy        = "SELECT " + policyCols + " FROM managed_policies p WHERE p.account IN (?, ?) AND p.arn = ? ORDER BY p.account = ? LIMIT 1"
	qGetPolicyVersion = "SELECT document, created FROM policy_versions WHERE account = ? AND arn = ? AND version = ?"
	qGetResource      = "SELECT " + resourceCols + " FROM resources WHERE account = ? AND type = ? AND id = ?"
)

// readQueries are prepared on the read pool, writeQueries on the writer
// (which also reads inside its transactions).
var (
	readQueries  = []string{qGetEntity, qGetAccessKey, qGetSession, qGetPolicy, qGetPolicyVersion, qGetResource}
	writeQueries = append([]string{insertAuditEvent, insertAuditResource}, readQueries...)
)

package sqlite

import "abacus/internal/model"

// LookupQuery is the query LookupAuditEvents runs for one page of q.
func LookupQuery(acct model.AccountID, q model.AuditQuery, after []any, limit int) (string, []any) {
	return lookupQuery(acct, q, after, limit)
}

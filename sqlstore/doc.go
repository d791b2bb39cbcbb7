// Package sqlstore implements the chatlift stores on SQL databases: SQLite
// (modernc.org/sqlite, no cgo) by default and PostgreSQL (pgx) in
// production. Both dialects share the query code; each has its own numbered
// migrations under migrations/<dialect>/, applied with goose in a transaction
// and recorded per migration set.
//
// A row is kept as its key and indexed columns beside a JSON body, the record
// as the API shows it. Copying an account between two stores therefore moves
// bodies byte for byte, and a checksum of the bodies verifies the copy.
//
// The legacy chat product and the unified platform are separate systems with
// separate databases: two SQLite files, or two PostgreSQL schemas.
package sqlstore

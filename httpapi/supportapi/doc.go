// Package supportapi serves the support product's API (v2) in the shapes of
// the hosted support API: users, tickets and comments, groups,
// organizations, apps and search, every path also with ".json", paged by
// offset or by cursor. Its handlers decode, authorize, call the support
// desk's rules (package support) or the store, and encode.
package supportapi

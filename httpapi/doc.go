// Package httpapi is chatlift's HTTP server: it composes the products' APIs
// (chatapi, oauthserver, supportapi, opsapi) over the stores, owns the
// listener, its limits and the middleware, and serves health and metrics.
//
// Every error leaves in one JSON shape, {"error": code, "description": text},
// with the status taken from one table of chatlift error codes (package
// api). Internal errors are logged and shown as "internal error".
package httpapi

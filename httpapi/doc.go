// Package httpapi serves chatlift over HTTP: health and metrics, the operator
// API under /api/ops, and (as they are added) the products' public APIs.
//
// Every error leaves in one JSON shape, {"error": code, "description": text},
// with the status taken from one table of chatlift error codes. Internal
// errors are logged and shown as "internal error".
package httpapi

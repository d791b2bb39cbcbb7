// Package api is what chatlift's HTTP APIs share: the one error shape and
// its code→status table, JSON decoding and encoding within the body limit,
// path and query parameters, opaque cursors, the instrumenting of routes,
// and the callers' authentication (the operator's token, a support
// account's API tokens) with the support API's rate limit.
//
// The product packages (chatapi, oauthserver, supportapi, opsapi) import
// it; httpapi composes them into one server.
package api

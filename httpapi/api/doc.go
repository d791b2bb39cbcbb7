// Package api is what chatlift's HTTP APIs share: the one error shape and
// its code→status table, JSON decoding and encoding within the body limit,
// path and query parameters, opaque cursors, the instrumenting of routes,
// client addresses for per-address limits, and the callers'
// authentication (the operator's token, a support account's API tokens
// with the support API's rate limit, a chat OAuth access token on the side
// chathome says serves its account).
//
// The product packages (chatapi, oauthserver, supportapi, opsapi) import
// it; httpapi composes them into one server.
package api

// Package ownerweb serves the account owners' pages under /account/: a
// support admin signs in with email and password and follows the account's
// upgrade. Pages are server-rendered (html/template, embedded assets); the
// layout, message and error pages, sessions, CSRF tokens and security
// headers are internal/webui's, as the operator console's are. See docs/account-pages.md.
package ownerweb

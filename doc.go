// Package chatlift is the domain of the chatlift upgrade system: the legacy
// chat product's accounts and everything they hold, the support platform's
// accounts, billing, notifications, and the upgrade that moves a customer from
// the first to one unified account.
//
// This package imports only the standard library. Each outside dependency
// (SQL databases, HTTP, the workflow engine, SMTP) has its own package that
// imports this one; see docs/architecture.md.
package chatlift

// Package opsapi serves the operator and upgrade API: requesting and
// steering upgrades, enrolling the fleet, the import settings, billing and
// its consolidation, in-product notifications and the list of accounts.
// Operators authenticate with the operator token; an account's admins with
// their support API tokens, for their own account.
package opsapi

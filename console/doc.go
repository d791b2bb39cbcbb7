// Package console is the operator console: server-rendered pages under
// /console/ where the operator, signed in with the operator token, sees
// the fleet at a glance, lists and exports upgrades by filter, follows one
// upgrade's steps, tasks, import and notices, and acts on upgrades one at a
// time or in batches, each action confirmed first and recorded in an audit
// trail.
//
// It reads the stores and acts through the upgrade service, each through a
// small interface declared here; it never calls the HTTP API. Pages are
// html/template with embedded assets, rendered in the layout shared with
// the account pages (internal/webui); htmx only refreshes the live parts,
// so every page works without JavaScript.
// Sessions and batches are kept in the platform store, so a restart loses
// neither and many serve processes share them; Start finishes the batches
// a stopped process left. See docs/console.md.
package console

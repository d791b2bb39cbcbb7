// Package gozendesk runs go-zendesk v0.18.0, a typed Go client of the
// hosted support API, unmodified against chatlift's support API. It is its
// own module so that chatlift itself does not depend on the client.
package gozendesk

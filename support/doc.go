// Package support holds the support product's rules over its store: users'
// roles (role types, chat access, the owner an active admin who cannot be
// deleted), ticket defaults and validation, who may be a requester or an
// assignee, comments, groups and organizations. The support API decodes a
// request, calls one method here and encodes the answer.
package support

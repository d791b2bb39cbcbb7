// Package oauthserver is the OAuth 2 server of the chat API (RFC 6749, with
// PKCE from RFC 7636): the authorization endpoints with their consent page
// and password sign-in, the token endpoint with its grants, and the chat
// API's resources of OAuth clients and tokens.
//
// Clients, codes and tokens are kept, as hashes, in the store that serves
// the client's account, as chathome decides: the legacy one while it is
// active, the platform's once upgraded. While the account is frozen for its
// upgrade, nothing is issued.
package oauthserver

// Package chatapi is the chat REST API (v2) in the hosted chat API's
// shapes: the account, agents, routing settings, chats with their search
// and bulk reads, visitors, bans, the incremental export and the
// configuration resources (roles, departments, skills, triggers,
// shortcuts, goals).
//
// A request is served by the store chathome says holds its account's chat:
// the legacy product's, or the platform's once upgraded, read together
// with the legacy history while that history is being imported.
package chatapi

package ownerweb

import "github.com/chatlift/chatlift"

// taskAction says what the customer does about each task while it is not
// done.
var taskAction = map[string]string{
	chatlift.TaskAgentEmails: "Check who becomes whom below. Agents with the same email (in any case) become one person; " +
		"merges you do not change are applied as proposed.",
	chatlift.TaskIPRestrictions: "Add the chat IP ranges to the support account's IP restrictions, " +
		"or chat will be reachable from wherever support is.",
	chatlift.TaskSSO:           "Add the chat-only agents listed to your SAML identity provider before the upgrade date.",
	chatlift.TaskWidget:        "Optional: replace the legacy chat snippet on your site with the Web Widget snippet.",
	chatlift.TaskAccountAssume: "Turn on account assumption in the chat account's settings.",
	chatlift.TaskIntegrations:  "Note the integrations listed: they stop at the upgrade; plan an app to replace each.",
	chatlift.TaskOAuthClients: "Tell the people using these clients that they will sign in again after the upgrade; " +
		"the clients themselves are kept.",
	chatlift.TaskMessageData: "Export anything you need from these channels: their data does not move.",
	chatlift.TaskBilling:     "Nothing to do: the consolidation runs just before the upgrade and is on one invoice.",
	chatlift.TaskReauthorizeOAuth: "Each person using a listed client signs in through it again; " +
		"a client is done as soon as it has a new token.",
	chatlift.TaskReconfigMessage: "Connect the listed channels again in the unified account's messaging settings.",
	chatlift.TaskReplaceIntegr:   "Install a marketplace app (or build a private one) for each integration listed.",
	chatlift.TaskReviewAgents:    "Open each person in the unified account and check their support and chat role.",
}

// taskRow is a task as the page shows it.
type taskRow struct {
	chatlift.Task
	Action string
}

func rows(tasks []chatlift.Task) []taskRow {
	out := make([]taskRow, 0, len(tasks))
	for _, t := range tasks {
		r := taskRow{Task: t}
		if t.Status != chatlift.TaskDone {
			r.Action = taskAction[t.Key]
		}
		out = append(out, r)
	}
	return out
}

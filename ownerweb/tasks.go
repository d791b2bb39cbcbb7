package ownerweb

import (
	"net/http"

	"github.com/chatlift/chatlift"
)

// taskAction says what the customer does about each task while it is not
// done.
var taskAction = map[string]string{
	chatlift.TaskAgentEmails: "Check who becomes whom below. Agents with the same email (in any case) become one person; " +
		"merges you do not change are applied as proposed.",
	chatlift.TaskIPRestrictions: "Add the chat IP ranges to the support account's IP restrictions, " +
		"or chat will be reachable from wherever support is.",
	chatlift.TaskSSO:           "Add the chat-only agents listed to your SAML identity provider before the upgrade date.",
	chatlift.TaskWidget:        "Optional: replace the legacy chat snippet on your site with the Web Widget snippet.",
	chatlift.TaskAccountAssume: "Turn on account assumption with the button below.",
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

// taskRow is a task as the page shows it; Form, when set, is the path of
// the form that does the task from the page.
type taskRow struct {
	chatlift.Task
	Action string
	Form   string
}

// taskForm is the form that does a task from the page, by task.
var taskForm = map[string]string{chatlift.TaskAccountAssume: "/account/upgrade/account-assumption"}

func rows(tasks []chatlift.Task) []taskRow {
	out := make([]taskRow, 0, len(tasks))
	for _, t := range tasks {
		r := taskRow{Task: t}
		if t.Status != chatlift.TaskDone {
			r.Action, r.Form = taskAction[t.Key], taskForm[t.Key]
		}
		out = append(out, r)
	}
	return out
}

// enableAssumption turns account assumption on (the pre-upgrade task),
// refused once chat is frozen for the cutover or upgraded.
func (p *Pages) enableAssumption(w http.ResponseWriter, r *http.Request, s *session) {
	err := p.Settings.EnableAccountAssumption(r.Context(), s.User.AccountID)
	switch chatlift.ErrorCode(err) {
	case "":
		p.sessions.SetFlash(r.Context(), s, "Account assumption is on: support staff can help if the upgrade needs attention.")
	case chatlift.EUNAVAILABLE:
		p.sessions.SetFlash(r.Context(), s, "Refused: chat is being upgraded or already has been; account assumption can no longer change here.")
	default:
		p.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/account/upgrade#tasks", http.StatusSeeOther)
}

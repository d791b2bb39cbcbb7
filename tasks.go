package chatlift

import (
	"encoding/json"
	"fmt"
)

// Pre- and post-upgrade task keys.
const (
	TaskAgentEmails      = "confirm_agent_emails"
	TaskIPRestrictions   = "check_ip_restrictions"
	TaskSSO              = "add_chat_agents_to_sso"
	TaskWidget           = "switch_widget"
	TaskAccountAssume    = "enable_account_assumption"
	TaskIntegrations     = "review_integrations"
	TaskOAuthClients     = "review_oauth_clients"
	TaskMessageData      = "message_data_not_migrated"
	TaskBilling          = "billing_consolidation"
	TaskReauthorizeOAuth = "reauthorize_oauth"
	TaskReconfigMessage  = "reconfigure_message"
	TaskReplaceIntegr    = "replace_integrations"
	TaskReviewAgents     = "review_merged_agents"
)

// AccountView is what the tasks are computed from: both products' data of
// one customer as it is now.
type AccountView struct {
	Chat          *ChatAccount
	Support       *SupportAccount
	Agents        []*Agent
	Users         []*User
	Objects       map[ObjectKind][]*Object
	OAuthClients  []*OAuthClient
	ActiveTokens  int
	Consolidation *Consolidation // what billing consolidation will do (or did)
	// MergeChoices are the account's changes to the proposed merge plan.
	MergeChoices []MergeChoice

	// BillingProblem, when set, is why the billing cannot be consolidated.
	BillingProblem string
}

// PreUpgradeTasks are what the customer should check or do before the
// upgrade, with their live status. A TaskBlocked task stops the upgrade.
func PreUpgradeTasks(v *AccountView) []Task {
	plan := PlanMerge(v.Chat.OwnerEmail, v.Agents, v.Users, v.MergeChoices...)
	tasks := []Task{mergeTask(plan)}
	chatOnly := 0
	for _, e := range plan.Entries {
		if e.Action == MergeCreate {
			chatOnly++
		}
	}
	tasks = append(tasks,
		withDetails(boolTask(TaskIPRestrictions, "Check IP restrictions", len(v.Chat.IPRestrictions) > 0,
			fmt.Sprintf("Chat allows sign-in only from %d address ranges; the unified account applies the support account's IP restrictions to chat too", len(v.Chat.IPRestrictions)), "No chat IP restrictions."),
			ipFacts(v.Chat.IPRestrictions)),
		withDetails(boolTask(TaskSSO, "Add chat-only agents to your SAML provider", v.Chat.SSO != "" && chatOnly > 0,
			fmt.Sprintf("%d chat-only agents sign in through %s after the upgrade; add them to the identity provider", chatOnly, v.Chat.SSO), "No chat-only agents need single sign-on."),
			ssoFacts(v.Chat.SSO, plan)),
		boolTask(TaskWidget, "Switch to the Web Widget (recommended)", v.Chat.WidgetVersion == "legacy",
			"The legacy chat widget keeps working; the Web Widget adds help center and contact form", "Already on the Web Widget."),
		boolTask(TaskAccountAssume, "Enable account assumption", !v.Chat.AccountAssumption,
			"Lets support staff help if the upgrade needs attention", "Enabled."),
	)
	tasks = append(tasks, objectTask(TaskIntegrations, "Integrations that will stop working", v.Objects[KindIntegration], "integration"),
		clientsTask(v.OAuthClients, v.ActiveTokens), objectTask(TaskMessageData, "Message data will not move", v.Objects[KindMessageChannel], "channel"),
		billingTask(v.Consolidation, v.BillingProblem))
	return tasks
}

// PostUpgradeTasks are what the customer does after the switch.
func PostUpgradeTasks(v *AccountView, plan *MergePlan) []Task {
	review := Task{Key: TaskReviewAgents, Title: "Review merged agents and roles", Status: TaskTodo,
		Description: "Agents were merged by email; check each person's support and chat role."}
	for _, e := range plan.Entries {
		if e.Note != "" {
			review.Details = append(review.Details, e.Email+": "+e.Note)
		}
	}
	return []Task{
		todoIf(Task{Key: TaskReauthorizeOAuth, Title: "Re-authorize OAuth clients",
			Description: "Every chat API token was revoked; agents and admins authorize again to get new tokens."}, len(v.OAuthClients) > 0, names(v.OAuthClients)),
		todoIf(Task{Key: TaskReconfigMessage, Title: "Reconfigure Message channels",
			Description: "Social messaging channels were disabled and their data was not migrated."}, len(v.Objects[KindMessageChannel]) > 0, objectNames(v.Objects[KindMessageChannel])),
		todoIf(Task{Key: TaskReplaceIntegr, Title: "Replace third-party integrations with apps",
			Description: "Legacy chat integrations were disabled; install marketplace apps or build your own."}, len(v.Objects[KindIntegration]) > 0, objectNames(v.Objects[KindIntegration])),
		review,
	}
}

func mergeTask(plan *MergePlan) Task {
	t := Task{Key: TaskAgentEmails, Title: "Confirm agent emails", Status: TaskTodo,
		Description: "Agents are merged by email. Unreviewed merges are applied as proposed."}
	for _, e := range plan.Entries {
		t.Details = append(t.Details, fmt.Sprintf("%s: %s (%s)", e.Action, e.Email, e.Note))
	}
	if blocked := plan.Blocked(); len(blocked) > 0 {
		t.Status, t.Description = TaskBlocked, blocked[0].Note
	}
	return t
}

func boolTask(key, title string, todo bool, todoText, okText string) Task {
	if todo {
		return Task{Key: key, Title: title, Status: TaskTodo, Description: todoText}
	}
	return Task{Key: key, Title: title, Status: TaskDone, Description: okText}
}

func todoIf(t Task, todo bool, details []string) Task {
	t.Status, t.Details = TaskDone, details
	if todo {
		t.Status = TaskTodo
	}
	return t
}

func objectTask(key, title string, objs []*Object, what string) Task {
	names := objectNames(objs)
	t := Task{Key: key, Title: title, Status: TaskInfo, Details: names,
		Description: fmt.Sprintf("%d %ss are affected.", len(names), what)}
	if len(names) == 0 {
		t.Status, t.Description = TaskDone, "Nothing is affected."
	}
	return t
}

func clientsTask(clients []*OAuthClient, activeTokens int) Task {
	t := Task{Key: TaskOAuthClients, Title: "OAuth clients whose tokens will be revoked", Status: TaskInfo, Details: names(clients),
		Description: fmt.Sprintf("%d clients are kept; their %d active tokens stop working and agents re-authorize.", len(clients), activeTokens)}
	if len(clients) == 0 {
		t.Status, t.Description = TaskDone, "No OAuth clients."
	}
	return t
}

func billingTask(c *Consolidation, problem string) Task {
	t := Task{Key: TaskBilling, Title: "Billing consolidation", Status: TaskDone, Description: "Chat and support already bill the same way; nothing changes."}
	switch {
	case problem != "":
		t.Status, t.Description = TaskBlocked, "Chat billing cannot be consolidated into the support billing account: "+problem
	case c != nil && c.Needed:
		t.Status = TaskInfo
		t.Description = "Before the upgrade, chat billing moves onto the support billing account: the chat subscription adopts its term, billing frequency, currency, payment method and contacts, " + alignment(c)
		t.Details = billingFacts(c)
	}
	return t
}

// alignment says what the consolidation's one invoice charges or credits.
func alignment(c *Consolidation) string {
	switch {
	case c.TotalCents > 0:
		return "and one invoice charges the alignment of " + money(c.TotalCents, c.Currency) + "."
	case c.TotalCents < 0:
		return "and one invoice credits the alignment of " + money(-c.TotalCents, c.Currency) + "."
	}
	return "with no alignment charge or credit."
}

// money formats an amount in hundredths of currency, the unit billing keeps
// amounts in: money(27099, "EUR") is "270.99 EUR".
func money(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, currency)
}

func names(clients []*OAuthClient) []string {
	out := []string{}
	for _, c := range clients {
		out = append(out, c.Name+" ("+c.ClientIdentifier+")")
	}
	return out
}

func objectNames(objs []*Object) []string {
	out := []string{}
	for _, o := range objs {
		var named struct {
			Name string `json:"name"`
			Type string `json:"type"`
		}
		json.Unmarshal(o.Body, &named) // bodies were validated when written
		out = append(out, fmt.Sprintf("%s (%s)", named.Name, named.Type))
	}
	return out
}

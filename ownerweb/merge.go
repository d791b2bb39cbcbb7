package ownerweb

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
)

// mergeRow is one chat agent in the merge plan: what it becomes and what
// the account chose for it ("" as proposed, "skip", "user:<id>").
type mergeRow struct {
	Agent  *chatlift.Agent
	Entry  chatlift.MergeEntry
	Choice string
}

// mergeRows are the account's chat agents with the plan's entry for each,
// and the support users an agent may be chosen to become.
func (p *Pages) mergeRows(ctx context.Context, accountID int64) ([]mergeRow, []*chatlift.User, error) {
	r, err := p.Tasks.Merge(ctx, accountID)
	if err != nil {
		return nil, nil, err
	}
	byAgent := map[int64]chatlift.MergeEntry{}
	for _, e := range r.Plan.Entries {
		if e.ChatAgentID != 0 {
			byAgent[e.ChatAgentID] = e
		}
	}
	rows := make([]mergeRow, 0, len(r.Agents))
	for _, a := range r.Agents {
		row := mergeRow{Agent: a, Entry: byAgent[a.ID]}
		switch c, ok := r.Choices[a.ID]; {
		case ok && c.Skip:
			row.Choice = "skip"
		case ok:
			row.Choice = "user:" + strconv.FormatInt(c.UserID, 10)
		}
		rows = append(rows, row)
	}
	return rows, r.Users, nil
}

// parseChoice reads a merge choice from the form: the agent, and "" (as
// proposed), "skip" or "user:<id>".
func parseChoice(agent, choice string) (chatlift.MergeChoice, bool) {
	c := chatlift.MergeChoice{}
	var err error
	if c.ChatAgentID, err = strconv.ParseInt(agent, 10, 64); err != nil || c.ChatAgentID <= 0 {
		return c, false
	}
	switch {
	case choice == "":
	case choice == "skip":
		c.Skip = true
	case strings.HasPrefix(choice, "user:"):
		if c.UserID, err = strconv.ParseInt(strings.TrimPrefix(choice, "user:"), 10, 64); err != nil || c.UserID <= 0 {
			return c, false
		}
	default:
		return c, false
	}
	return c, true
}

// chooseMerge records the account's choice for one chat agent; the merge
// step applies it, and the checklist shows it at once.
func (p *Pages) chooseMerge(w http.ResponseWriter, r *http.Request, s *session) {
	c, ok := parseChoice(r.PostForm.Get("agent"), r.PostForm.Get("choice"))
	if !ok {
		p.fail(w, r, s, chatlift.Errorf(chatlift.EINVALID, "choose a chat agent and what it becomes"))
		return
	}
	err := p.Settings.ChooseMerge(r.Context(), s.User.AccountID, c)
	p.answer(w, r, s, err, "Merge plan changed: see the checklist.", "/account/upgrade#merge")
}

// answer tells the admin what came of an action, back on the page at to:
// ok, or "Refused: " and the reason. An internal error fails the request.
func (p *Pages) answer(w http.ResponseWriter, r *http.Request, s *session, err error, ok, to string) {
	switch chatlift.ErrorCode(err) {
	case "":
		p.sessions.SetFlash(r.Context(), s, ok)
	case chatlift.EINTERNAL:
		p.fail(w, r, s, err)
		return
	default:
		p.sessions.SetFlash(r.Context(), s, "Refused: "+chatlift.ErrorMessage(err))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

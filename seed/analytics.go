package seed

import (
	"time"

	"github.com/chatlift/chatlift"
)

// analytics derives the account's insights events from its chats: served or
// missed, first response, rating and goals reached, with ids 1..n.
func (g *gen) analytics() {
	add := func(typ string, c *chatlift.Chat, agent int64, value float64, at time.Time, data any) {
		e := &chatlift.AnalyticsEvent{ID: int64(len(g.a.Analytics) + 1), Type: typ, ChatID: c.ID, AgentID: agent, Value: value, Timestamp: at}
		if data != nil {
			e.Data = mustJSON(data)
		}
		g.a.Analytics = append(g.a.Analytics, e)
	}
	for _, c := range g.a.Chats {
		switch {
		case c.Type == chatlift.ChatTypeOfflineMsg:
		case c.Missed:
			add("chat_missed", c, 0, 1, c.Timestamp, departmentData(c))
		default:
			agent := c.AgentIDs[0]
			add("chat_served", c, agent, float64(c.Duration), c.Timestamp, departmentData(c))
			add("first_response", c, agent, float64(c.ResponseTime.First), c.Timestamp.Add(time.Duration(c.ResponseTime.First)*time.Second), nil)
			if c.Rating != nil {
				value := 0.0
				if *c.Rating == "good" {
					value = 1
				}
				add("chat_rated", c, c.AgentIDs[len(c.AgentIDs)-1], value, *c.EndTimestamp, map[string]string{"rating": *c.Rating})
			}
			if len(g.goals) > 0 && g.chance(0.15) {
				goal := pick(g.r, g.goals)
				add("goal_reached", c, agent, 1, g.after(*c.EndTimestamp, 60, 3600), map[string]any{"goal_id": goal.ID, "goal_name": goal.Name})
			}
		}
	}
}

func departmentData(c *chatlift.Chat) any {
	if c.DepartmentID == nil {
		return nil
	}
	return map[string]int64{"department_id": *c.DepartmentID}
}

package chatapi_test

import (
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"testing"
)

// documentedFields are the fields the chat REST API reference documents for
// each configuration resource, with their JSON types ("integer" is a whole
// number). Where chatlift differs on purpose (docs/chat-api.md), the table
// has chatlift's type and says so.
var documentedFields = map[string]map[string]string{
	"roles": {"id": "integer", "name": "string", "description": "string", "enabled": "boolean",
		"members_count": "integer", "permissions": "object"},
	"departments": {"id": "integer", "name": "string", "description": "string", "enabled": "integer",
		"members": "array", "settings": "object"},
	"skills":   {"id": "integer", "name": "string", "description": "string", "enabled": "integer", "members": "array"},
	"triggers": {"id": "integer", "name": "string", "description": "string", "enabled": "integer", "definition": "object"},
	"goals": {"id": "integer", "name": "string", "description": "string", "enabled": "integer",
		"attribution_model": "string", "attribution_period": "integer", "settings": "object"},
	"shortcuts": {"id": "string", "name": "string", "message": "string", "options": "string", "scope": "string",
		"tags": "array", "departments": "array", "agents": "array"},
	// id: chatlift's visitor ids are strings (the reference has integers).
	"visitors": {"id": "string", "name": "string", "email": "string", "phone": "string", "notes": "string",
		"banned": "boolean", "created": "string", "external_id": "string"},
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return "unknown"
}

// checkFields fails unless every record has each documented field with its type.
func checkFields(t *testing.T, resource string, records []map[string]any) {
	t.Helper()
	if len(records) == 0 {
		t.Fatalf("no %s to check", resource)
	}
	for _, r := range records {
		for field, want := range documentedFields[resource] {
			if got := jsonType(r[field]); got != want {
				t.Fatalf("%s %v: %s is %s, want %s", resource, r["id"], field, got, want)
			}
		}
	}
}

// readResources lists each resource and shows its first record.
func readResources(t *testing.T, e *env, token, prefix string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for resource := range documentedFields {
		var list []map[string]any
		if resource == "visitors" {
			var page struct{ Visitors []map[string]any }
			e.Call(t, "GET", prefix+"/visitors", token, nil, http.StatusOK, &page)
			list = page.Visitors
		} else {
			e.Call(t, "GET", prefix+"/"+resource, token, nil, http.StatusOK, &list)
		}
		if len(list) > 0 {
			var one map[string]any
			id, _ := json.Marshal(list[0]["id"])
			key := string(id)
			if s, ok := list[0]["id"].(string); ok {
				key = s
			}
			e.Call(t, "GET", prefix+"/"+resource+"/"+key, token, nil, http.StatusOK, &one)
			list = append(list, one)
		}
		out[resource] = list
	}
	return out
}

func TestDocumentedFields(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 25)
	id, token := e.busyAccount(t)
	for _, prefix := range []string{"/api/v2", "/api/v2/chat"} {
		for resource, records := range readResources(t, e, token, prefix) {
			checkFields(t, resource, records)
		}
	}
	after := e.upgradeAccount(t, id)
	for resource, records := range readResources(t, e, after, "/api/v2/chat") {
		checkFields(t, resource, records)
	}
}

func TestObjectWrites(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	token := e.Creds[0].ChatAccessToken
	call := func(method, path string, body any, status int) map[string]any {
		t.Helper()
		var out map[string]any
		e.Call(t, method, "/api/v2/chat/"+path, token, body, status, &out)
		return out
	}
	t.Run("OKEnabledAsNumberOrBoolean", func(t *testing.T) {
		d := call("POST", "departments", map[string]any{"name": "Ventes", "enabled": 1}, http.StatusCreated)
		path := "departments/" + itoa(int64(d["id"].(float64)))
		if d["enabled"] != 1.0 {
			t.Fatalf("created with enabled 1: %v", d)
		}
		if d = call("PUT", path, map[string]any{"enabled": false}, http.StatusOK); d["enabled"] != 0.0 {
			t.Fatalf("updated with enabled false: %v", d)
		}
		if d = call("PUT", path, map[string]any{"description": "EMEA"}, http.StatusOK); d["enabled"] != 0.0 || d["name"] != "Ventes" {
			t.Fatalf("an update without enabled changed it: %v", d)
		}
	})
	t.Run("ErrEnabled", func(t *testing.T) {
		for _, kind := range []string{"departments", "skills", "triggers", "goals"} {
			call("POST", kind, map[string]any{"name": "x", "enabled": "yes"}, http.StatusBadRequest)
		}
		call("POST", "roles", map[string]any{"name": "x", "enabled": false}, http.StatusBadRequest)
	})
	t.Run("OKGoalConditions", func(t *testing.T) {
		g := call("POST", "goals", map[string]any{"name": "Pricing", "attribution_model": "first_touch", "attribution_period": 30,
			"settings": map[string]any{"conditions": []map[string]any{{"type": "url", "operator": "contains", "value": "/pricing"}}}}, http.StatusCreated)
		if g["url"] != "/pricing" {
			t.Fatalf("goal url from its condition: %v", g)
		}
		g = call("PUT", "goals/"+itoa(int64(g["id"].(float64))), map[string]any{"url": "https://x.test/buy"}, http.StatusOK)
		want := []any{map[string]any{"type": "url", "operator": "equals", "value": "https://x.test/buy"}}
		if conds := g["settings"].(map[string]any)["conditions"]; !reflect.DeepEqual(conds, want) {
			t.Fatalf("conditions of a goal given url: %v", conds)
		}
	})
	t.Run("ErrGoalConditions", func(t *testing.T) {
		c := map[string]any{"type": "url", "operator": "equals", "value": "https://x.test"}
		for _, conds := range [][]map[string]any{{c, c}, {{"type": "page", "operator": "equals", "value": "x"}}, {{"type": "url", "operator": "like", "value": "x"}}} {
			call("POST", "goals", map[string]any{"name": "g", "settings": map[string]any{"conditions": conds}}, http.StatusBadRequest)
		}
	})
	t.Run("OKShortcutByName", func(t *testing.T) {
		s := call("POST", "shortcuts", map[string]any{"name": "question", "message": "Need help?", "options": "Yes/No"}, http.StatusCreated)
		if s["id"] != "question" {
			t.Fatalf("shortcut id is not its name: %v", s)
		}
		s = call("PUT", "shortcuts/question", map[string]any{"id": "question", "message": "Can I help?"}, http.StatusOK)
		if s["message"] != "Can I help?" || call("GET", "shortcuts/question", nil, http.StatusOK)["message"] != "Can I help?" {
			t.Fatalf("shortcut after update by name: %v", s)
		}
		e.Call(t, "DELETE", "/api/v2/chat/shortcuts/question", token, nil, http.StatusNoContent, nil)
		call("GET", "shortcuts/question", nil, http.StatusNotFound)
	})
	t.Run("ErrShortcutName", func(t *testing.T) {
		call("POST", "shortcuts", map[string]any{"name": "a/b", "message": "m"}, http.StatusBadRequest)
		call("POST", "shortcuts", map[string]any{"name": "twice", "message": "m"}, http.StatusCreated)
		call("POST", "shortcuts", map[string]any{"name": "twice", "message": "m"}, http.StatusConflict)
	})
}

func TestDerivedFields(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 5)
	token := e.Creds[0].ChatAccessToken
	var role map[string]any
	e.Call(t, "POST", "/api/v2/chat/roles", token, map[string]any{"name": "Lead"}, http.StatusCreated, &role)
	if role["members_count"] != 0.0 || role["enabled"] != true {
		t.Fatalf("new role: %v", role)
	}
	roleID := int64(role["id"].(float64))
	e.Call(t, "PUT", "/api/v2/chat/agents/1", token, map[string]any{"role_id": roleID}, http.StatusOK, nil)
	e.Call(t, "GET", "/api/v2/chat/roles/"+itoa(roleID), token, nil, http.StatusOK, &role)
	if role["members_count"] != 1.0 {
		t.Fatalf("role of one agent: %v", role)
	}
	var page struct{ Visitors []map[string]any }
	e.Call(t, "GET", "/api/v2/chat/visitors", token, nil, http.StatusOK, &page)
	if len(page.Visitors) == 0 {
		t.Fatal("no visitors")
	}
	v := page.Visitors[0]
	e.Call(t, "POST", "/api/v2/chat/bans", token, map[string]any{"type": "visitor", "visitor_id": v["id"]}, http.StatusCreated, nil)
	e.Call(t, "GET", "/api/v2/chat/visitors/"+v["id"].(string), token, nil, http.StatusOK, &v)
	if v["banned"] != true || v["created"] != v["created_at"] {
		t.Fatalf("banned visitor: %v", v)
	}
}

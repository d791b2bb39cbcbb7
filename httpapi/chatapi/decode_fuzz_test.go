package chatapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// checkDecodeErr fails unless err is nil or a user error with code invalid:
// bad input must never surface as an internal error.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && chatlift.ErrorCode(err) != chatlift.EINVALID {
		t.Fatalf("decode error %v has code %s, want invalid", err, chatlift.ErrorCode(err))
	}
}

func FuzzAgentRequest(f *testing.F) {
	for _, s := range []string{`{"email":"a@b.test","role":"agent"}`, `{"email":null}`, `{"departments":[1,2]}`, `[]`, `{"enabled":"yes"}`, `{}{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var q AgentRequest
		err := api.DecodeJSON(bytes.NewReader(body), &q)
		checkDecodeErr(t, err)
		if err == nil {
			a := &chatlift.Agent{ID: 1, Role: chatlift.ChatRoleAgent}
			q.apply(a)
			checkDecodeErr(t, a.Validate())
		}
	})
}

func FuzzOfflineMessageRequest(f *testing.F) {
	for _, s := range []string{`{"visitor":{"name":"Zoë","email":"z@x.test"},"message":"hi"}`, `{"message":""}`, `{"visitor":{"email":"bad"},"message":"x"}`, `{"department_id":-1}`} {
		f.Add([]byte(s))
	}
	c := &chatCaller{ChatCaller: &api.ChatCaller[Store]{Account: &chatlift.ChatAccount{ID: 1}, Now: time.Unix(1767225600, 0).UTC()}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var q OfflineMessageRequest
		err := api.DecodeJSON(bytes.NewReader(body), &q)
		checkDecodeErr(t, err)
		if err != nil {
			return
		}
		ch, err := q.chat(c)
		checkDecodeErr(t, err)
		if err == nil {
			if err := ch.Validate(); err != nil {
				t.Fatalf("accepted an offline message that makes an invalid chat: %v", err)
			}
		}
	})
}

func FuzzMessageRequest(f *testing.F) {
	for _, s := range []string{`{"msg":"hi","sender_type":"Visitor"}`, `{"msg":"x","sender_type":"Agent"}`, `{"msg":"x","sender_type":"Agent","agent_id":3}`, `{"msg":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var q MessageRequest
		err := api.DecodeJSON(bytes.NewReader(body), &q)
		checkDecodeErr(t, err)
		if err == nil {
			checkDecodeErr(t, q.validate())
		}
	})
}

func FuzzRoutingSettings(f *testing.F) {
	for _, s := range []string{`{"routing_mode":"assigned","chat_limit":3}`, `{"routing_mode":"x"}`, `{"chat_limit":-1,"routing_mode":"broadcast"}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rs := chatlift.RoutingSettings{RoutingMode: "assigned"}
		checkDecodeErr(t, decodeRouting(body, &rs))
	})
}

func FuzzObjectBodies(f *testing.F) {
	for _, s := range []string{`{"name":"Sales","members":[1]}`, `{"type":"ip_address","ip_address":"203.0.113.1"}`, `{"type":"visitor"}`,
		`{"name":"t","definition":{"event":"chat_requested","actions":[]}}`, `{"name":"s","message":"m","tags":["a"]}`, `{"id":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, k := range objectKinds {
			if k.readOnly {
				continue
			}
			out, err := k.build(body, nil, 7)
			checkDecodeErr(t, err)
			if err == nil {
				var m map[string]any
				if json.Unmarshal(out, &m) != nil || m["id"] != float64(7) {
					t.Fatalf("%s body %s lost its id", k.kind, out)
				}
			}
		}
	})
}

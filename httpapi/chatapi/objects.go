package chatapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// objectKind is one configuration resource of the chat API, kept as an
// object document: how its body is built from a request and checked.
type objectKind struct {
	kind     chatlift.ObjectKind
	path     string
	readOnly bool
	// lister, when set, answers the list instead of a plain array of bodies.
	lister chatHandler
	// build merges a request body onto the existing body (nil on create),
	// sets the id, validates, and returns the new body.
	build func(req []byte, existing json.RawMessage, id int64) (json.RawMessage, error)
}

// kindOf describes the resource T, checked by validate.
func kindOf[T any](kind chatlift.ObjectKind, path string, setID func(*T, int64), validate func(*T) error) objectKind {
	return objectKind{kind: kind, path: path, build: func(req []byte, existing json.RawMessage, id int64) (json.RawMessage, error) {
		v := new(T)
		if existing != nil {
			if err := json.Unmarshal(existing, v); err != nil {
				return nil, err
			}
		}
		if err := api.StrictUnmarshal(req, v); err != nil {
			return nil, err
		}
		setID(v, id)
		if err := validate(v); err != nil {
			return nil, err
		}
		return json.Marshal(v)
	}}
}

var objectKinds = []objectKind{
	kindOf(chatlift.KindRole, "roles", func(v *chatlift.Role, id int64) { v.ID, v.Custom = id, true }, (*chatlift.Role).Validate),
	kindOf(chatlift.KindDepartment, "departments", func(v *chatlift.Department, id int64) { v.ID = id }, (*chatlift.Department).Validate),
	kindOf(chatlift.KindSkill, "skills", func(v *chatlift.Skill, id int64) { v.ID = id }, (*chatlift.Skill).Validate),
	kindOf(chatlift.KindTrigger, "triggers", func(v *chatlift.Trigger, id int64) { v.ID = id }, validTrigger),
	kindOf(chatlift.KindShortcut, "shortcuts", func(v *chatlift.Shortcut, id int64) { v.ID = id }, (*chatlift.Shortcut).Validate),
	withLister(kindOf(chatlift.KindBan, "bans", func(v *chatlift.Ban, id int64) { v.ID = id }, (*chatlift.Ban).Validate), listBans),
	kindOf(chatlift.KindGoal, "goals", func(v *chatlift.Goal, id int64) { v.ID = id }, (*chatlift.Goal).Validate),
	{kind: chatlift.KindIntegration, path: "integrations", readOnly: true},
	{kind: chatlift.KindMessageChannel, path: "message_channels", readOnly: true},
}

func withLister(k objectKind, h chatHandler) objectKind {
	k.lister = h
	return k
}

// validTrigger is the trigger's own check and, for the chat API, a
// definition with an event and actions.
func validTrigger(v *chatlift.Trigger) error {
	if err := v.Validate(); err != nil {
		return err
	}
	var def map[string]json.RawMessage
	if json.Unmarshal(v.Definition, &def) != nil || def["event"] == nil || def["actions"] == nil {
		return chatlift.Errorf(chatlift.EINVALID, "trigger definition must be an object with event and actions")
	}
	return nil
}

// objectRoutes registers list/show, and unless read-only create/update/delete.
func (a *API) objectRoutes(handle func(string, http.HandlerFunc), prefix string, k objectKind) {
	base := prefix + "/" + k.path
	list := k.list
	if k.lister != nil {
		list = k.lister
	}
	handle("GET "+base, a.chat(list))
	handle("GET "+base+"/{id}", a.chat(k.show))
	if k.readOnly {
		return
	}
	handle("POST "+base, a.chat(may(chatlift.ChatConfigure, k.create)))
	handle("PUT "+base+"/{id}", a.chat(may(chatlift.ChatConfigure, k.update)))
	handle("DELETE "+base+"/{id}", a.chat(may(chatlift.ChatConfigure, k.remove)))
}

func (k objectKind) list(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	objs, err := c.Store.Objects(r.Context(), c.Account.ID, k.kind)
	if err != nil {
		return err
	}
	bodies := make([]json.RawMessage, len(objs))
	for i, o := range objs {
		bodies[i] = o.Body
	}
	api.WriteJSON(w, http.StatusOK, bodies)
	return nil
}

// find reads the object the path names, by its id alone.
func (k objectKind) find(r *http.Request, store Store, accountID int64) (*chatlift.Object, error) {
	id, err := api.PathID(r)
	if err != nil {
		return nil, err
	}
	return store.Object(r.Context(), accountID, k.kind, id)
}

func (k objectKind) show(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	o, err := k.find(r, c.Store, c.Account.ID)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, o.Body)
	return nil
}

func (k objectKind) create(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	req, err := api.ReadBody(r)
	if err != nil {
		return err
	}
	var o *chatlift.Object
	err = c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		id, err := tx.NextIDs(r.Context(), "chat_objects/"+strconv.FormatInt(c.Account.ID, 10), 1)
		if err != nil {
			return err
		}
		body, err := k.build(req, nil, id)
		if err != nil {
			return err
		}
		o = &chatlift.Object{AccountID: c.Account.ID, Kind: k.kind, ID: id, Body: body}
		return tx.PutObjects(r.Context(), []*chatlift.Object{o})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, o.Body)
	return nil
}

func (k objectKind) update(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	req, err := api.ReadBody(r)
	if err != nil {
		return err
	}
	var o *chatlift.Object
	err = c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		if o, err = k.find(r, tx, c.Account.ID); err != nil {
			return err
		}
		if o.Body, err = k.build(req, o.Body, o.ID); err != nil {
			return err
		}
		return tx.PutObjects(r.Context(), []*chatlift.Object{o})
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, o.Body)
	return nil
}

func (k objectKind) remove(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	err := c.Store.InAccountWrite(r.Context(), c.Account.ID, func(tx chatlift.ChatStore) error {
		o, err := k.find(r, tx, c.Account.ID)
		if err != nil {
			return err
		}
		return tx.DeleteObjects(r.Context(), c.Account.ID, k.kind, []int64{o.ID})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

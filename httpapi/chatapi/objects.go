package chatapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// objectKind is one configuration resource of the chat API, kept as an
// object document: how its body is built from a request, checked and shown.
type objectKind struct {
	kind     chatlift.ObjectKind
	path     string
	readOnly bool
	// lister, when set, answers the list instead of a plain array of docs.
	lister chatHandler
	// build merges a request body onto the existing body (nil on create),
	// sets the id, validates, and returns the new body.
	build func(req []byte, existing json.RawMessage, id int64) (json.RawMessage, error)
	// view shows a stored body in the reference's shape; nil shows it as stored.
	view func(body json.RawMessage, x *viewData) (any, error)
	// agents: view derives fields from the account's agents.
	agents bool
	// byName: the path's {id} may also be the object's name (the
	// reference's id of a shortcut).
	byName bool
}

// kindOf describes the resource T, shown and decoded as its doc D and
// checked by validate.
func kindOf[T any, D any, P interface {
	*D
	objectDoc[T]
}](kind chatlift.ObjectKind, path string, setID func(*T, int64), validate func(*T) error) objectKind {
	decode := func(req []byte, v *T) error {
		d := P(new(D))
		d.show(v, nil)
		if err := api.StrictUnmarshal(req, d); err != nil {
			return err
		}
		return d.apply(v)
	}
	return objectKind{kind: kind, path: path, view: docJSON[T, D, P], build: builder(decode, setID, validate)}
}

// plainKind describes a resource shown and decoded as it is stored.
func plainKind[T any](kind chatlift.ObjectKind, path string, setID func(*T, int64), validate func(*T) error) objectKind {
	decode := func(req []byte, v *T) error { return api.StrictUnmarshal(req, v) }
	return objectKind{kind: kind, path: path, build: builder(decode, setID, validate)}
}

// builder is the build of a resource T decoded by decode.
func builder[T any](decode func([]byte, *T) error, setID func(*T, int64), validate func(*T) error) func([]byte, json.RawMessage, int64) (json.RawMessage, error) {
	return func(req []byte, existing json.RawMessage, id int64) (json.RawMessage, error) {
		v := new(T)
		if existing != nil {
			if err := json.Unmarshal(existing, v); err != nil {
				return nil, err
			}
		}
		if err := decode(req, v); err != nil {
			return nil, err
		}
		setID(v, id)
		if err := validate(v); err != nil {
			return nil, err
		}
		return json.Marshal(v)
	}
}

var objectKinds = []objectKind{
	withAgents(kindOf[chatlift.Role, RoleDoc](chatlift.KindRole, "roles", func(v *chatlift.Role, id int64) { v.ID, v.Custom = id, true }, (*chatlift.Role).Validate)),
	kindOf[chatlift.Department, DepartmentDoc](chatlift.KindDepartment, "departments", func(v *chatlift.Department, id int64) { v.ID = id }, (*chatlift.Department).Validate),
	kindOf[chatlift.Skill, SkillDoc](chatlift.KindSkill, "skills", func(v *chatlift.Skill, id int64) { v.ID = id }, (*chatlift.Skill).Validate),
	kindOf[chatlift.Trigger, TriggerDoc](chatlift.KindTrigger, "triggers", func(v *chatlift.Trigger, id int64) { v.ID = id }, validTrigger),
	withNames(kindOf[chatlift.Shortcut, ShortcutDoc](chatlift.KindShortcut, "shortcuts", func(v *chatlift.Shortcut, id int64) { v.ID = id }, (*chatlift.Shortcut).Validate)),
	withLister(plainKind[chatlift.Ban](chatlift.KindBan, "bans", func(v *chatlift.Ban, id int64) { v.ID = id }, (*chatlift.Ban).Validate), listBans),
	kindOf[chatlift.Goal, GoalDoc](chatlift.KindGoal, "goals", func(v *chatlift.Goal, id int64) { v.ID = id }, (*chatlift.Goal).Validate),
	{kind: chatlift.KindIntegration, path: "integrations", readOnly: true},
	{kind: chatlift.KindMessageChannel, path: "message_channels", readOnly: true},
}

func withNames(k objectKind) objectKind {
	k.byName = true
	return k
}

func withAgents(k objectKind) objectKind {
	k.agents = true
	return k
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
	x, err := k.viewData(r, c)
	if err != nil {
		return err
	}
	docs := make([]any, len(objs))
	for i, o := range objs {
		if docs[i], err = k.doc(o.Body, x); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, docs)
	return nil
}

// viewData reads what the kind's docs are derived from.
func (k objectKind) viewData(r *http.Request, c *chatCaller) (*viewData, error) {
	x := new(viewData)
	if k.agents {
		var err error
		if x.agents, err = c.Store.Agents(r.Context(), c.Account.ID); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// doc is a stored body as the API shows it.
func (k objectKind) doc(body json.RawMessage, x *viewData) (any, error) {
	if k.view == nil {
		return body, nil
	}
	return k.view(body, x)
}

// write answers one object as the API shows it.
func (k objectKind) write(w http.ResponseWriter, r *http.Request, c *chatCaller, status int, body json.RawMessage) error {
	x, err := k.viewData(r, c)
	if err != nil {
		return err
	}
	d, err := k.doc(body, x)
	if err != nil {
		return err
	}
	api.WriteJSON(w, status, d)
	return nil
}

// find reads the object the path names, by its id alone or, for a kind
// found by name, by a name that is not an id.
func (k objectKind) find(r *http.Request, store Store, accountID int64) (*chatlift.Object, error) {
	id, err := api.PathID(r)
	if err != nil && k.byName {
		return k.named(r, store, accountID, r.PathValue("id"))
	} else if err != nil {
		return nil, err
	}
	return store.Object(r.Context(), accountID, k.kind, id)
}

// named is the account's first object of the kind with the name.
func (k objectKind) named(r *http.Request, store Store, accountID int64, name string) (*chatlift.Object, error) {
	objs, err := store.Objects(r.Context(), accountID, k.kind)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		var v struct{ Name string }
		if json.Unmarshal(o.Body, &v) == nil && v.Name == name {
			return o, nil
		}
	}
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "%s %q not found", k.kind, name)
}

func (k objectKind) show(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	o, err := k.find(r, c.Store, c.Account.ID)
	if err != nil {
		return err
	}
	return k.write(w, r, c, http.StatusOK, o.Body)
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
		return k.put(r, tx, o)
	})
	if err != nil {
		return err
	}
	return k.write(w, r, c, http.StatusCreated, o.Body)
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
		return k.put(r, tx, o)
	})
	if err != nil {
		return err
	}
	return k.write(w, r, c, http.StatusOK, o.Body)
}

// put writes o; for a kind found by name, only if no other object of the
// kind has its name.
func (k objectKind) put(r *http.Request, tx chatlift.ChatStore, o *chatlift.Object) error {
	if k.byName {
		var v struct{ Name string }
		if err := json.Unmarshal(o.Body, &v); err != nil {
			return err
		}
		other, err := k.named(r, tx, o.AccountID, v.Name)
		if err == nil && other.ID != o.ID {
			return chatlift.Errorf(chatlift.ECONFLICT, "another %s is named %q", k.kind, v.Name)
		} else if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			return err
		}
	}
	return tx.PutObjects(r.Context(), []*chatlift.Object{o})
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

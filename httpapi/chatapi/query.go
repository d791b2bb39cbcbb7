package chatapi

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chatlift/chatlift"
)

// The chat search query language, as the chat REST API documents it:
//
//	type:chat AND end_timestamp:[2025-01-01T00:00:00 TO 2025-01-15T00:00:00]
//	refund OR "money back"
//	(type:offline_msg OR tags:vip) AND timestamp:[2025-01-01 TO *]
//
// Terms are field:value, field:[A TO B] (times, inclusive; * is open;
// ISO 8601 with or without a zone, no zone meaning UTC) or free text (a
// word or a "quoted phrase", matched without regard to case in the
// messages, the visitor's name and email, the tags, the agents' names and
// the comment). AND binds tighter than OR; terms side by side are ANDed;
// parentheses group.

// chatQuery is a parsed search query: whether a chat matches it.
type chatQuery interface {
	match(ch *chatlift.Chat) bool
}

// Bounds on a query, so that one request cannot make the parser work long.
const (
	maxQueryBytes = 2048
	maxQueryDepth = 16
)

type (
	andQuery  []chatQuery
	orQuery   []chatQuery
	textQuery string // lower case
	// fieldQuery matches a field's value: exactly (without regard to
	// case) or, for names and emails, as a part.
	fieldQuery struct{ field, value string }
	// rangeQuery matches a time field within [from, to]; zero is open.
	rangeQuery struct {
		field    string
		from, to time.Time
	}
)

func (q andQuery) match(ch *chatlift.Chat) bool {
	for _, s := range q {
		if !s.match(ch) {
			return false
		}
	}
	return true
}

func (q orQuery) match(ch *chatlift.Chat) bool {
	for _, s := range q {
		if s.match(ch) {
			return true
		}
	}
	return false
}

func (q textQuery) match(ch *chatlift.Chat) bool {
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), string(q)) }
	if has(ch.Visitor.Name) || has(ch.Visitor.Email) || ch.Comment != nil && has(*ch.Comment) {
		return true
	}
	for _, m := range ch.History {
		if has(m.Msg) {
			return true
		}
	}
	for _, s := range append(ch.Tags[:len(ch.Tags):len(ch.Tags)], ch.AgentNames...) {
		if has(s) {
			return true
		}
	}
	return false
}

// searchFields are the fields a term may name, with how each matches.
var searchFields = map[string]func(ch *chatlift.Chat, v string) bool{
	"type":          func(ch *chatlift.Chat, v string) bool { return ch.Type == v },
	"tags":          func(ch *chatlift.Chat, v string) bool { return hasTag(ch.Tags, v) },
	"visitor_name":  func(ch *chatlift.Chat, v string) bool { return containsFold(ch.Visitor.Name, v) },
	"visitor_email": func(ch *chatlift.Chat, v string) bool { return containsFold(ch.Visitor.Email, v) },
	"agent_names": func(ch *chatlift.Chat, v string) bool {
		for _, n := range ch.AgentNames {
			if containsFold(n, v) {
				return true
			}
		}
		return false
	},
	"rating": func(ch *chatlift.Chat, v string) bool { return ch.Rating != nil && strings.EqualFold(*ch.Rating, v) },
}

func containsFold(s, part string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(part))
}

func (q fieldQuery) match(ch *chatlift.Chat) bool { return searchFields[q.field](ch, q.value) }

func (q rangeQuery) match(ch *chatlift.Chat) bool {
	var at time.Time
	switch q.field {
	case "timestamp":
		at = ch.Timestamp
	case "end_timestamp":
		if ch.EndTimestamp == nil {
			return false
		}
		at = *ch.EndTimestamp
	case "update_timestamp":
		at = ch.UpdateTimestamp
	}
	return (q.from.IsZero() || !at.Before(q.from)) && (q.to.IsZero() || !at.After(q.to))
}

// parseChatQuery parses q; a query it cannot read is EINVALID.
func parseChatQuery(q string) (chatQuery, error) {
	switch {
	case len(q) > maxQueryBytes:
		return nil, chatlift.Errorf(chatlift.EINVALID, "q is longer than %d bytes", maxQueryBytes)
	case !utf8.ValidString(q):
		return nil, chatlift.Errorf(chatlift.EINVALID, "q is not UTF-8")
	case strings.TrimSpace(q) == "":
		return nil, chatlift.Errorf(chatlift.EINVALID, "q is empty")
	}
	toks, err := tokenize(q)
	if err != nil {
		return nil, err
	}
	p := &queryParser{toks: toks}
	out, err := p.or(0)
	if err == nil && p.pos < len(p.toks) {
		err = chatlift.Errorf(chatlift.EINVALID, "unexpected %q in q", p.toks[p.pos].text)
	}
	return out, err
}

// token is a word, a quoted phrase or one of ( ) [ ].
type token struct {
	text   string
	quoted bool
}

func tokenize(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("()[]", c) >= 0:
			toks, i = append(toks, token{text: string(c)}), i+1
		case c == '"':
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				return nil, chatlift.Errorf(chatlift.EINVALID, "q has an unclosed quote")
			}
			toks, i = append(toks, token{text: q[i+1 : i+1+end], quoted: true}), i+end+2
		default:
			j := i
			for j < len(q) && strings.IndexByte(" \t\n\r()[]\"", q[j]) < 0 {
				j++
			}
			toks, i = append(toks, token{text: q[i:j]}), j
		}
	}
	return toks, nil
}

type queryParser struct {
	toks []token
	pos  int
}

func (p *queryParser) peek(text string) bool {
	return p.pos < len(p.toks) && !p.toks[p.pos].quoted && p.toks[p.pos].text == text
}

func (p *queryParser) or(depth int) (chatQuery, error) {
	var parts orQuery
	for {
		q, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		if parts = append(parts, q); !p.peek("OR") {
			break
		}
		p.pos++
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return parts, nil
}

func (p *queryParser) and(depth int) (chatQuery, error) {
	var parts andQuery
	for {
		q, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, q)
		if p.peek("AND") {
			p.pos++
			continue
		}
		if p.pos == len(p.toks) || p.peek("OR") || p.peek(")") {
			break
		}
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return parts, nil
}

func (p *queryParser) primary(depth int) (chatQuery, error) {
	if p.pos == len(p.toks) {
		return nil, chatlift.Errorf(chatlift.EINVALID, "q ends where a term is expected")
	}
	t := p.toks[p.pos]
	p.pos++
	switch {
	case t.quoted:
		return textQuery(strings.ToLower(t.text)), nil
	case t.text == "(":
		if depth >= maxQueryDepth {
			return nil, chatlift.Errorf(chatlift.EINVALID, "q nests parentheses deeper than %d", maxQueryDepth)
		}
		q, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.peek(")") {
			return nil, chatlift.Errorf(chatlift.EINVALID, "q has an unclosed parenthesis")
		}
		p.pos++
		return q, nil
	case t.text == ")" || t.text == "[" || t.text == "]" || t.text == "AND" || t.text == "OR":
		return nil, chatlift.Errorf(chatlift.EINVALID, "unexpected %q in q", t.text)
	}
	field, value, ok := strings.Cut(t.text, ":")
	if !ok || !isFieldName(field) {
		return textQuery(strings.ToLower(t.text)), nil
	}
	return p.field(field, value)
}

func isFieldName(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r != '_' && !unicode.IsLower(r) }) < 0
}

// field reads the rest of a field:value or field:[A TO B] term.
func (p *queryParser) field(field, value string) (chatQuery, error) {
	if field == "timestamp" || field == "end_timestamp" || field == "update_timestamp" {
		if value != "" || !p.peek("[") {
			return nil, chatlift.Errorf(chatlift.EINVALID, "%s takes a range: %s:[A TO B]", field, field)
		}
		if p.pos+5 > len(p.toks) || p.toks[p.pos+2].text != "TO" || p.toks[p.pos+4].text != "]" {
			return nil, chatlift.Errorf(chatlift.EINVALID, "%s takes a range: %s:[A TO B]", field, field)
		}
		from, err := queryTime(p.toks[p.pos+1].text)
		if err != nil {
			return nil, err
		}
		to, err := queryTime(p.toks[p.pos+3].text)
		if err != nil {
			return nil, err
		}
		p.pos += 5
		return rangeQuery{field: field, from: from, to: to}, nil
	}
	if _, ok := searchFields[field]; !ok {
		return nil, chatlift.Errorf(chatlift.EINVALID, "q cannot search the field %q", field)
	}
	if value == "" && p.pos < len(p.toks) && p.toks[p.pos].quoted {
		value, p.pos = p.toks[p.pos].text, p.pos+1
	}
	if value == "" {
		return nil, chatlift.Errorf(chatlift.EINVALID, "%s: needs a value", field)
	}
	if field == "type" && value != chatlift.ChatTypeChat && value != chatlift.ChatTypeOfflineMsg {
		return nil, chatlift.Errorf(chatlift.EINVALID, "type must be chat or offline_msg")
	}
	return fieldQuery{field: field, value: value}, nil
}

// queryTime reads a bound of a range: * (open), a date, or a date and time
// with or without a zone (UTC when none).
func queryTime(s string) (time.Time, error) {
	if s == "*" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1970 && t.Unix() < chatlift.MaxTimeUnix {
			return t.UTC(), nil
		}
	}
	return time.Time{}, chatlift.Errorf(chatlift.EINVALID, "%q is not a time such as 2025-01-01T00:00:00 (or *)", s)
}

package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/throttle"
)

// benchConv is one live conversation of the cutover bench: a visitor
// sending through the widget and following its stream, and the account's
// agent answering through the chat API. It keeps what each side was told.
type benchConv struct {
	visitor *benchHTTP // the visitor's own address
	agent   *benchAgent
	key     string // the account's widget key
	id      string
	token   string // the visitor's

	mu        sync.Mutex
	sent      [2][]chatlift.ConversationMessage // the answered sends in order: visitor's, agent's
	delivered []chatlift.ConversationMessage
	streamed  int64 // the highest seq the stream delivered
	failed    int64 // sends that never got an answer
	reconnect int64
}

func (c *benchConv) path(suffix string) string {
	return "/api/v2/chat/widget/" + c.key + "/conversations/" + c.id + suffix
}

// start opens the conversation on the widget.
func (c *benchConv) start(ctx context.Context, name string) error {
	status, b, err := c.visitor.call(ctx, "widget", "POST", "/api/v2/chat/widget/"+c.key+"/conversations", "",
		map[string]any{"visitor": map[string]any{"name": name}})
	var out struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
		Token string `json:"token"`
	}
	if err != nil || status != http.StatusCreated || json.Unmarshal(b, &out) != nil {
		return fmt.Errorf("start a conversation: %d %s (%v)", status, b, err)
	}
	c.id, c.token = out.Conversation.ID, out.Token
	return nil
}

// talk sends from one side (0 the visitor, 1 the agent) every interval
// until stop is closed; the send under way when it is still finishes.
func (c *benchConv) talk(ctx context.Context, side int, stop <-chan struct{}, every time.Duration) {
	if throttle.Sleep(ctx, rand.N(every)) != nil { // senders spread over the interval
		return
	}
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("%c%d", "va"[side], n)
		c.send(ctx, side, id, fmt.Sprintf("message %d from the %s", n, [2]string{"visitor", "agent"}[side]))
		select {
		case <-stop:
			return
		case <-time.After(every):
		}
	}
}

// send sends one message, again with the same client message id after a
// 5xx, a 429 or a broken connection, until it is answered.
func (c *benchConv) send(ctx context.Context, side int, id, msg string) {
	body := map[string]any{"client_message_id": id, "msg": msg}
	deadline := time.Now().Add(time.Minute)
	var status int
	var b []byte
	var err error
	if side == 1 {
		status, b, err = c.agent.call(ctx, "agent_send", "POST", "/api/v2/chat/conversations/"+c.id+"/messages", body, deadline)
	} else {
		for {
			status, b, err = c.visitor.call(ctx, "visitor_send", "POST", c.path("/messages"), "Bearer "+c.token, body)
			again, wait := retryable(status, err)
			if !again || time.Now().After(deadline) || throttle.Sleep(ctx, wait) != nil {
				break
			}
		}
	}
	var out struct {
		Message chatlift.ConversationMessage `json:"message"`
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || (status != http.StatusCreated && status != http.StatusOK) || json.Unmarshal(b, &out) != nil {
		c.failed++
		c.visitor.stats.note(fmt.Sprintf("conversation %s: send %s: %d %s (%v)", c.id, id, status, b, err))
		return
	}
	c.sent[side] = append(c.sent[side], out.Message)
}

// follow follows the conversation's event stream until ctx ends,
// reconnecting with Last-Event-ID whenever the server closes it.
func (c *benchConv) follow(ctx context.Context) {
	for ctx.Err() == nil {
		c.mu.Lock()
		last := c.streamed
		c.mu.Unlock()
		retry := c.stream(ctx, last)
		if ctx.Err() != nil {
			return
		}
		c.mu.Lock()
		c.reconnect++
		c.mu.Unlock()
		if throttle.Sleep(ctx, retry) != nil {
			return
		}
	}
}

// stream reads one connection of the stream, resumed after seq last, and
// returns how long to wait before the next.
func (c *benchConv) stream(ctx context.Context, last int64) time.Duration {
	req, err := c.visitor.request(ctx, "GET", c.path("/events"), "Bearer "+c.token, nil)
	if err != nil {
		return time.Second
	}
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	start := time.Now()
	resp, err := c.visitor.hc.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.visitor.stats.record("stream", time.Since(start), 0, "GET events", nil)
		}
		return 100 * time.Millisecond
	}
	defer resp.Body.Close()
	c.visitor.stats.record("stream", time.Since(start), resp.StatusCode, "GET events", nil)
	if resp.StatusCode != http.StatusOK {
		return 500 * time.Millisecond
	}
	retry := time.Second
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if event == "message" {
				c.deliver(data)
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case strings.HasPrefix(line, "retry: "):
			if ms, err := strconv.Atoi(strings.TrimPrefix(line, "retry: ")); err == nil {
				retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	return retry
}

func (c *benchConv) deliver(data string) {
	var m chatlift.ConversationMessage
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		c.visitor.stats.note(fmt.Sprintf("conversation %s: event %q: %v", c.id, data, err))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delivered = append(c.delivered, m)
	c.streamed = max(c.streamed, m.Seq)
}

// streamedUpTo is the highest seq the stream delivered.
func (c *benchConv) streamedUpTo() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streamed
}

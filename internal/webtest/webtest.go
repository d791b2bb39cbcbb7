// Package webtest is the web faces' test client: a browser without
// JavaScript that keeps cookies, does not follow redirects and fills the
// CSRF token of a form the way the page gives it.
package webtest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser without JavaScript on the server at Base: it keeps
// cookies (Secure ones too, as browsers do on a loopback address) and does
// not follow redirects.
type Client struct {
	T       testing.TB
	Base    string
	Cookies map[string]*http.Cookie
}

// NewClient is a client of the server at base, with no cookies.
func NewClient(t testing.TB, base string) *Client {
	return &Client{T: t, Base: base, Cookies: map[string]*http.Cookie{}}
}

// Answer is what the server answered.
type Answer struct {
	Status int
	Body   string
	Header http.Header
}

// Do sends a request, with the form (nil: no body) URL-encoded, and keeps
// the cookies the answer sets.
func (c *Client) Do(method, path string, form url.Values) Answer {
	c.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.T.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.Cookies {
		req.AddCookie(ck)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.Cookies, ck.Name)
		} else {
			c.Cookies[ck.Name] = ck
		}
	}
	return Answer{Status: resp.StatusCode, Body: string(b), Header: resp.Header}
}

// Get gets the page at path.
func (c *Client) Get(path string) Answer { return c.Do("GET", path, nil) }

// CSRF is the first CSRF token on the page at path.
func (c *Client) CSRF(path string) string {
	c.T.Helper()
	return CSRFOf(c.T, c.Get(path).Body)
}

// Post sends a form to path with the CSRF token of the page at from.
func (c *Client) Post(from, path string, form url.Values) Answer {
	c.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.CSRF(from))
	return c.Do("POST", path, form)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRFOf is the first CSRF token in the page's HTML.
func CSRFOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// Want fails unless the answer has the status and contains every text.
func (a Answer) Want(t testing.TB, status int, texts ...string) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("status %d, want %d; body:\n%s", a.Status, status, a.Body)
	}
	for _, s := range texts {
		if !strings.Contains(a.Body, s) {
			t.Fatalf("the page does not say %q:\n%s", s, a.Body)
		}
	}
}

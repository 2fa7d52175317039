// Package client is a Go client of the shopguard API. Its identifier check uses the private
// lookup: only the first five hex digits of the identifier's hash leave the machine, and the
// answer is matched locally.
package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// Client talks to one shopguard server.
type Client struct {
	BaseURL string       // such as "https://shopguard.example"
	APIKey  string       // "sg_…", or "" for anonymous calls
	HTTP    *http.Client // nil for a client with a 15 s timeout
}

// New returns a client of the server at baseURL.
func New(baseURL, apiKey string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey}
}

// Match is what a private lookup knows about an identifier.
type Match struct {
	Kind      shopguard.Kind `json:"kind"`
	Display   string         `json:"display"`
	Risk      shopguard.Risk `json:"risk"`
	Score     int            `json:"score"`
	Reports   int            `json:"reports"`
	Confirmed bool           `json:"confirmed"`
	ScamTypes []string       `json:"scam_types"`
	Known     bool           `json:"known"`
	// Finding is as in shopguard.Indicator: "none" for an identifier the server knows
	// nothing of (which is not safe), "under_review", "reported" or "delisted".
	Finding string `json:"finding"`
}

// CheckIdentifier checks an identifier without revealing it: it normalises it, sends the
// first five hex digits of its lookup hash and looks for the full hash in the answer. A bad
// value is an EINVALID error before anything is sent.
func (c *Client) CheckIdentifier(ctx context.Context, kind shopguard.Kind, value string) (Match, error) {
	id, err := ident.Parse(kind, value)
	if err != nil {
		return Match{}, err
	}
	h := ident.HashHex(id.Kind, id.Value)
	var resp struct {
		Matches []struct {
			Hash      string         `json:"hash"`
			Risk      shopguard.Risk `json:"risk"`
			Score     int            `json:"score"`
			Reports   int            `json:"reports"`
			Confirmed bool           `json:"confirmed"`
			ScamTypes []string       `json:"scam_types"`
			Finding   string         `json:"finding"`
		} `json:"matches"`
	}
	if err := c.get(ctx, "/api/v1/lookup/"+url.PathEscape(string(id.Kind))+"/"+h[:5], &resp); err != nil {
		return Match{}, err
	}
	m := Match{Kind: id.Kind, Display: ident.Mask(id.Kind, id.Value), Risk: shopguard.RiskLow, ScamTypes: []string{}, Finding: shopguard.FindingNone}
	for _, x := range resp.Matches {
		if x.Hash == h {
			m.Risk, m.Score, m.Reports, m.Confirmed, m.Known = x.Risk, x.Score, x.Reports, x.Confirmed, true
			if x.Finding != "" {
				m.Finding = x.Finding
			}
			if x.ScamTypes != nil {
				m.ScamTypes = x.ScamTypes
			}
		}
	}
	return m, nil
}

// Report files a community report and returns its id.
func (c *Client) Report(ctx context.Context, body any) (int64, error) {
	var resp struct {
		ID int64 `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/api/v1/reports", body, &resp)
	return resp.ID, err
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, out)
}

// do sends a request and decodes the JSON answer; an API error comes back as a
// *shopguard.Error with the server's code, message and field.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("client: %s %s: %w", method, c.BaseURL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("client: read answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Code != "" {
			return &shopguard.Error{Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field}
		}
		return fmt.Errorf("client: %s %s: status %d", method, path, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("client: decode answer: %w", err)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
)

// Op is one kind of request in the mix. Do sends it to the server at base (or a short
// sequence, such as creating a case and uploading evidence to it) and returns the status of
// the last response; seq numbers the requests of a run, to vary what is sent.
type Op struct {
	Name string
	Doc  string
	Do   func(ctx context.Context, c *Client, base string, seq uint64) (int, error)
}

// ops are the operations a mix can name. To add one, add an entry here.
var ops = []Op{
	{"check_url", "POST /api/v1/check/url with one link", checkURL},
	{"scan", "POST /api/v1/scan with a chat message of about 300 bytes", scan},
	{"lookup", "GET /api/v1/indicators/{kind}/{value}: a phone number's reputation", lookup},
	{"report", "POST /api/v1/reports: a community report naming a phone number", report},
	{"case", "POST /api/v1/cases, then POST /api/v1/cases/{id}/evidence with a small file", caseWithEvidence},
	{"home", "GET / as an anonymous visitor", home},
}

func opByName(name string) (Op, bool) {
	for _, o := range ops {
		if o.Name == name {
			return o, true
		}
	}
	return Op{}, false
}

// links are checked in turn: made-up look-alikes, short links and ordinary shops.
var links = []string{
	"https://taobao-refund-center.top/pay?id=2231",
	"http://jd-kefu.vip/claim",
	"https://www.taobao.com/",
	"https://item.jd.com/100012043978.html",
	"http://192.168.10.4/login",
	"https://pinduoduo.com.refund-help.xyz/a",
	"https://dwz.cn/aB3xY",
	"https://www.example.org/about",
}

// chats are messages of about 300 bytes, in the style of what shoppers paste, written for this
// tool: two scam scripts and two ordinary exchanges, in Chinese and English.
var chats = []string{
	"亲，您好，这里是淘宝官方售后客服。您购买的商品因质检不合格需要为您办理退款，请添加客服微信 kf_refund88 ，按提示操作即可领取三倍赔偿，需要先提供银行卡号和收到的验证码，逾期将无法退款。",
	"Hello, this is the customer service team of your parcel company. Your package is held at customs and a redelivery fee of 1.99 is due today. Please pay at parcel-redeliver.top within 24 hours or it will be returned to the sender. Reply STOP to opt out.",
	"您好，您的订单已经发货了，快递单号在订单详情里可以查到，预计两到三天送达。收到后如果尺码不合适，七天内可以在平台上申请退换，运费险会自动理赔，有问题随时在这里联系我们。",
	"Hi! Thanks for your order of the blue jacket in size M. It was dispatched this morning and should arrive on Thursday. You can follow it from the order page on our site; if it does not fit, returns are free within 30 days.",
}

func checkURL(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	body, _ := json.Marshal(map[string]string{"url": links[seq%uint64(len(links))]})
	st, _, err := c.Do(ctx, "POST", base+"/api/v1/check/url", "application/json", body, "")
	return st, err
}

func scan(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	body, _ := json.Marshal(map[string]string{"text": chats[seq%uint64(len(chats))]})
	st, _, err := c.Do(ctx, "POST", base+"/api/v1/scan", "application/json", body, "")
	return st, err
}

// phone returns a Chinese mobile number that varies with seq: most lookups are of numbers
// nobody reported (cold), one in eight of the same few (hot).
func phone(seq uint64) string {
	if seq%8 == 0 {
		return fmt.Sprintf("1381234%04d", seq/8%16)
	}
	return fmt.Sprintf("139%08d", seq*2654435761%100000000)
}

func lookup(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	st, _, err := c.Do(ctx, "GET", base+"/api/v1/indicators/phone/"+url.PathEscape(phone(seq)), "", nil, "")
	return st, err
}

func report(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	body, _ := json.Marshal(map[string]any{
		"scam_type":   "fake_shop",
		"identifiers": []map[string]string{{"kind": "phone", "value": phone(seq)}},
		"amount":      "299.00",
		"currency":    "CNY",
		"narrative":   "The seller asked me to pay by bank transfer outside the platform and then stopped answering.",
	})
	st, _, err := c.Do(ctx, "POST", base+"/api/v1/reports", "application/json", body, "")
	return st, err
}

func home(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	st, _, err := c.Do(ctx, "GET", base+"/", "", nil, "")
	return st, err
}

// evidence is the file uploaded to a case: a short text, as a victim's notes would be.
var evidence = []byte("Chat with the seller, copied on the day: asked to pay 299 yuan by bank transfer, no answer since.\n")

func caseWithEvidence(ctx context.Context, c *Client, base string, seq uint64) (int, error) {
	body := []byte(`{"lang":"en","triage":{"what":"Paid a deposit for a phone that never came","culprit":"seller","payment":"transfer","amount_fen":29900}}`)
	st, resp, err := c.Do(ctx, "POST", base+"/api/v1/cases", "application/json", body, "")
	if err != nil || st != 201 {
		return st, err
	}
	var created struct{ ID, Key string }
	if err := json.Unmarshal(resp, &created); err != nil || created.ID == "" {
		return st, fmt.Errorf("case: the answer has no id: %.100q", resp)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "chat.txt")
	fw.Write(evidence)
	mw.Close()
	st, _, err = c.Do(ctx, "POST", base+"/api/v1/cases/"+url.PathEscape(created.ID)+"/evidence", mw.FormDataContentType(), buf.Bytes(), created.Key)
	return st, err
}

// mixEntry is an operation and its weight in the mix.
type mixEntry struct {
	op     Op
	weight int
}

// parseMix reads "check_url=5,scan=3": operations and their weights (a name alone weighs 1).
func parseMix(s string) ([]mixEntry, error) {
	var mix []mixEntry
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, hasW := strings.Cut(part, "=")
		op, ok := opByName(name)
		if !ok {
			var names []string
			for _, o := range ops {
				names = append(names, o.Name)
			}
			return nil, fmt.Errorf("--mix: unknown operation %q: want %s", name, strings.Join(names, ", "))
		}
		weight := 1
		if hasW {
			if _, err := fmt.Sscan(w, &weight); err != nil || weight < 0 {
				return nil, fmt.Errorf("--mix: weight of %s is not a whole number >= 0: %q", name, w)
			}
		}
		if weight > 0 {
			mix = append(mix, mixEntry{op, weight})
		}
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("--mix: no operation with a weight above 0")
	}
	return mix, nil
}

// schedule returns the operations of a mix spread out by weight, one slot per unit: request
// seq runs slot seq mod len, so every stretch of the run keeps the mix's proportions.
func schedule(mix []mixEntry) []Op {
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	slots := make([]Op, 0, total)
	given := make([]int, len(mix))
	for len(slots) < total {
		// The operation furthest behind its share goes next (smooth weighted round robin).
		best, bestLag := 0, -1.0
		for i, m := range mix {
			lag := float64(m.weight)*float64(len(slots)+1)/float64(total) - float64(given[i])
			if lag > bestLag {
				best, bestLag = i, lag
			}
		}
		given[best]++
		slots = append(slots, mix[best].op)
	}
	return slots
}

package http

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

var decodeSeeds = []string{`{"url":"https://a.co/x","lang":"en"}`, ` { "URL" : "a.co" , "Lang":"zh-CN" } `, `{}`, `{"url":"a.co","url":"b.co"}`,
	`{"url":"a\u002eco"}`, `{"url":"a.co","extra":1}`, `{"url":null}`, `{"url":1}`, `{"url":"a.co"} x`, `{"url":"a.co"}{}`,
	"{\"url\":\"\xff\"}", `{"url":"中文.com"}`, `{"url":"a.co",}`, `{"url" "a.co"}`, ``, `[]`, `{"url":"a.co"`, "{\"url\":\"a\tb\"}",
	`{"ur\u006c":"a.co"}`, `{"üRL":"a.co"}`, `{"url":"` + strings.Repeat("a", 5000) + `.co"}`, `{"url":"x\u0000y"}`}

// TestDecodeStringsIsDecodeJSON checks decodeStrings against decodeJSON: the same fields and
// the same error on every body.
func TestDecodeStringsIsDecodeJSON(t *testing.T) {
	for _, body := range decodeSeeds {
		checkDecodeStrings(t, body)
	}
}

func FuzzDecodeStrings(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(checkDecodeStrings)
}

func checkDecodeStrings(t *testing.T, body string) {
	var want, got checkURLRequest
	errWant := decodeJSON(httptest.NewRequest("POST", "/", strings.NewReader(body)), &want)
	errGot := decodeStrings(httptest.NewRequest("POST", "/", strings.NewReader(body)), &got, checkURLKeys, []*string{&got.URL, &got.Lang})
	if fmt.Sprint(errGot) != fmt.Sprint(errWant) || errWant == nil && got != want {
		t.Errorf("body %.60q: decodeStrings = %+v, %v; decodeJSON = %+v, %v", body, got, errGot, want, errWant)
	}
}

// TestScanStringsReadsTheUsualBody checks that the usual body takes the scan, not decodeJSON.
func TestScanStringsReadsTheUsualBody(t *testing.T) {
	var req checkURLRequest
	if !scanStrings([]byte(` {"url": "https://a.co/x?y=1", "Lang":"en"}`+"\n"), checkURLKeys, []*string{&req.URL, &req.Lang}) ||
		req != (checkURLRequest{URL: "https://a.co/x?y=1", Lang: "en"}) {
		t.Errorf("scanStrings: %+v", req)
	}
}

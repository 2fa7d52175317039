package testenv

import "testing"

// The check finds what it must and passes what a log may hold: request ids, SHA-256 sums,
// URLs on loopback, durations.
func TestPersonalData(t *testing.T) {
	for _, line := range []string{
		`level=INFO msg=report phone=13812345678`,
		`level=WARN msg=x err="user alice@example.com not found"`,
		`level=INFO msg=key key=sg_AbCdEfGh12345678`,
		`level=INFO msg=case key=sgc_0123456789abcdef`,
		`level=ERROR msg=x err="QQ 123456789 refused"`,
		`msg=x narrative="the seller asked for a deposit"`,
	} {
		if len(PersonalData(line, "asked for a deposit")) != 1 {
			t.Errorf("not caught: %s", line)
		}
	}
	for _, line := range []string{
		`time=2026-12-04T17:03:29.123Z level=INFO msg=request request_id=01JEXAMPLE7 method=POST route="POST /api/v1/cases/{id}/evidence" status=201 dur=3.2ms`,
		`time=2026-12-04T18:52:09.880Z level=INFO msg=request request_id=0092864140385705 method=GET route="GET /api/v1/indicators/{kind}/{value}" status=200 duration_ms=0.46`,
		`{"level":"INFO","msg":"request","request_id":"13812345678","status":200}`,
		`level=INFO msg="shopguard serving" url=http://127.0.0.1:41234 engine=sqlite knowledge=2026.11`,
		`level=WARN msg=unavailable err="blob: put 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08: connection refused"`,
	} {
		if bad := PersonalData(line); len(bad) != 0 {
			t.Errorf("caught an innocent line: %s", line)
		}
	}
}

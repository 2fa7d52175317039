package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCaseReportCommand(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	id, key := caseNew(t, env, "--lang", "en", "--culprit", "seller", "--payment", "cod",
		"--what", "a worthless parcel came cash on delivery", "--amount", "89", "--platform", "淘宝")
	shot := filepath.Join(t.TempDir(), "chat.png")
	os.WriteFile(shot, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), 0o644)
	c := []string{"--case", id, "--key", key}
	code, out, errOut := run(t, env, "", append(append([]string{"case", "evidence", "add"}, c...), shot)...)
	fields := strings.Split(strings.TrimSpace(out), "\t")
	if code != 0 || len(fields) != 4 {
		t.Fatalf("evidence add: %d %q %q", code, out, errOut)
	}
	sha := fields[1]
	report := append([]string{"case", "report"}, c...)

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--type", "cod_switch", "--id", "phone:13812345678"}, "--consent"},
		{[]string{"--consent", "--id", "phone:13812345678"}, "cod_switch"},
		{[]string{"--consent", "--type", "cod_switch", "--id", "phone:1381234"}, "identifiers[0].value"},
		{[]string{"--consent", "--type", "cod_switch", "--id", "phone:13812345678", "--evidence", strings.Repeat("0", 64)}, "no file"},
	} {
		if code, out, errOut := run(t, env, "", append(report, tc.args...)...); code != 2 || !strings.Contains(errOut, tc.says) {
			t.Errorf("case report %v: %d %q %q; want exit 2 saying %q", tc.args, code, out, errOut, tc.says)
		}
	}
	ok := append(report, "--consent", "--type", "cod_switch", "--id", "phone:138 1234 5678", "--evidence", sha, "--json")
	if code, out, errOut := run(t, env, "", ok...); code != 0 || !strings.Contains(out, `"status": "pending"`) {
		t.Fatalf("case report: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := run(t, env, "", ok...); code != 1 || !strings.Contains(errOut, "reported already") {
		t.Fatalf("second case report: %d %q %q; want exit 1, reported already", code, out, errOut)
	}
	if code, out, _ := run(t, env, "", "check", "phone", "--json", "13812345678"); code != 0 || !strings.Contains(out, `"reports": 1`) {
		t.Fatalf("check phone after the case report: %d %q", code, out)
	}
}

package text

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// A mailing list's sponsor box under a member's note, written by the project.
const listFooterText = `------------------------ Club List Sponsor ---------------------~-->
Free photo prints for new members, join now
http://ads.example.com/click/a8f3
Text PRINTS to find out more.
---------------------------------------------------------------------~->
To unsubscribe from this group, send an email to:
birders-unsubscribe@lists.example.org
`

// TestOthersWordsDoNotCount checks that the lines a reply quotes and the footer a mailing list
// appends do not count against the sender, while the same words written by the sender do, and
// a quoted or forwarded message under a short question is judged.
func TestOthersWordsDoNotCount(t *testing.T) {
	d, _ := mustDetector(t)
	note := "Subject: [birders] Saturday walk moved\nThe walk along the estuary starts at 9 instead of 8, because of the tide.\nAnna\n\n"
	reply := "Thanks, I got that one too and deleted it. The club's real notices always come from the club's own address and never ask for a password, so the committee asked everyone to forward such mails to the secretary and delete them."
	quote := "Your account has been suspended due to unusual activity, verify your details at http://club-login.example.net within 24 hours."
	cases := []struct {
		name, text string
		risky      bool
	}{
		{"footer", note + listFooterText, false},
		{"a list's page alone", "The old mail server was compromised last year; the details are in the archive.\n- Lucas\nhttp://lists.example.org/mailman/listinfo/fork\n", false},
		{"a list's page alone, zh", "去年旧的邮件服务器账户异常，被人盗用过，详情见存档。\nhttp://lists.example.org/mailman/listinfo/fork\n", false},
		{"the same with a link of the sender's", "The old mail server was compromised last year; the details are in the archive.\n- Lucas\nhttp://www.example.org/2001/report.html\n", true},
		{"the same with a link of the sender's, zh", "去年旧的邮件服务器账户异常，被人盗用过，详情见存档。\nhttp://www.example.org/2001/report.html\n", true},
		{"footer's words as the sender's", note + strings.NewReplacer("-", "", "~", "", ">", "").Replace(listFooterText), true},
		{"quoted", reply + "\n\nOn Tue, Sam wrote:\n> " + quote + "\n", false},
		{"not quoted", reply + "\n\n" + quote + "\n", true},
		{"all quoted", "> " + quote + "\n", true},
		{"under Outlook's mark", reply + "\n\n-----Original Message-----\nFrom: Sam\n" + quote + "\n", false},
		{"Outlook's mark first", "-----Original Message-----\nFrom: Sam\n" + quote + "\n", true},
		// A short question above a quoted or forwarded message asks about it: it is judged.
		{"quoted under a question", "Is this real? I got it this morning.\n\nOn Tue, Sam wrote:\n> " + quote + "\n", true},
		{"forwarded under a question", "Is this real?\n\n-----Original Message-----\nFrom: Sam\n" + quote + "\n", true},
	}
	for _, tc := range cases {
		r := d.ScanText(tc.text)
		if risky := r.Risk != shopguard.RiskLow; risky != tc.risky {
			t.Errorf("%s: %s %d %v, want risky %v", tc.name, r.Risk, r.Score, cueIDs(r), tc.risky)
		}
	}
}

func TestListFooter(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"hello\n" + listFooterText, true},
		{"hello\n-- \nAnna, from the birders mailing list", true},
		{"hello\n_______________\nrpm-list mailing list\nhttp://lists.example.org/mailman/listinfo/rpm-list\n", true},
		{"hello\n---------------\nTo stop these offers, unsubscribe here: http://shop.example.com/u\n", false},
		{"mailing list news\n---------------\nhello\n", false},
		{"hello\n" + strings.Repeat("words ", 300) + "\n---------------\n" + strings.Repeat("more ", 400) + "mailing list", false},
		// Some lists append only their page's link.
		{"hello\n- Lucas\nhttp://lists.example.org/mailman/listinfo/fork\n", true},
		{"hello\nhttps://lists.example.org/mailman/listinfo/fork", true},
		{"hello\nsee http://lists.example.org/mailman/listinfo/fork for the archive\n", false},
		{"hello\nhttp://login.example.net/verify\n", false},
	} {
		if got := listFooter(tc.text) != maxOffset; got != tc.want {
			t.Errorf("listFooter(%.40q…) found %v, want %v", tc.text, got, tc.want)
		}
	}
}

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
	} {
		if got := listFooter(tc.text) != maxOffset; got != tc.want {
			t.Errorf("listFooter(%.40q…) found %v, want %v", tc.text, got, tc.want)
		}
	}
}

package text

import (
	"slices"
	"testing"
)

// TestWordsInAnotherSense checks words that a cue's pattern holds but that mean something else
// in everyday mail: the cue is not heard there, and still is in the scam's sense.
func TestWordsInAnotherSense(t *testing.T) {
	d, _ := mustDetector(t)
	cases := []struct {
		cue, text string
		heard     bool
	}{
		{"account_abnormal", "Since the upgrade my filter sorts all incoming messages into folders before I read them.", false},
		{"account_abnormal", "You have 7 undelivered messages: sign in to release them.", true},
		{"download_app", "The little camera has a 3x optical zoom, and you can zoom in on the screen after taking a picture.", false},
		{"download_app", "Please install zoom and join my meeting, I will show you how to get the refund.", true},
		{"asks_card", "The order ships to the address and payment information already on file, so there is nothing to fill in.", false},
		{"asks_card", "Reply with your payment information so we can release the parcel.", true},
		{"call_number", "On a conference call with analysts the chief executive said sales had slowed.", false},
		{"call_number", "It is what you call a quiet week at the office.", false},
		{"call_number", "Call 0800 123 4567 before noon to keep your line.", true},
		{"prize_lure", "The city says the bridge contract is expected to be awarded in spring, and the mayor was awarded an honorary degree.", false},
		{"prize_lure", "Congratulations, you have been awarded a cash prize of 5000.", true},
		{"paid_task", "The new watch can perform simple tasks such as timers and reminders without the phone.", false},
		{"paid_task", "Earn 300 a day: complete simple tasks from home.", true},
		{"investment", "A research team showed quantum crypto working over 20 km of ordinary fibre.", false},
		{"investment", "Send me 500 in crypto and I will double it within a week.", true},
		{"off_platform_contact", "The story ran in the Sunday Telegram's business pages this week.", false},
		{"off_platform_contact", "Let's continue on telegram, my username is below.", true},
		{"claims_authority", "Experts will discuss the government's record on schools on Thursday.", false},
		{"toll_fine", "The patch builds cleanly here, so the release is good to go.", false},
		{"toll_fine", "He drove off before I could check his driver's license, the cheek of it.", false},
		{"toll_fine", "Your driver's license will be suspended unless the fine is paid today.", true},
		{"claims_authority", "This is the government tax office: a penalty is due on your account.", true},
	}
	for _, c := range cases {
		r := d.ScanText(c.text)
		heard := slices.ContainsFunc(r.Cues, func(h CueHit) bool { return h.ID == c.cue })
		if heard != c.heard {
			t.Errorf("%q: %s heard %v, want %v; cues %v", c.text, c.cue, heard, c.heard, cueIDs(r))
		}
	}
}

package text

import "strings"

// English scam messages often reach the check with their verbs in the base form: written
// by someone whose English is not their own ("your account have be suspend"), run through a
// machine translation, or read off a screenshot by a text recogniser that lemmatises. A cue
// phrase is therefore also compiled with each verb of it in the base form: the auxiliaries
// ("has been locked" also as "have be lock"), regular past forms ("selected" as "select",
// "received" as "receive"), the -ing forms ("holding" as "hold") and the common irregular
// ones ("won" as "win"), and with each plural in the singular ("buy gift cards" as "buy gift
// card": the recogniser lemmatises nouns too, and broken English drops the s). Lone words
// are left as written: a phrase says what a word alone does not.

// baseVerbs maps inflected forms that are not regular to their base form.
var baseVerbs = map[string]string{
	"has": "have", "had": "have",
	"is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "am": "be",
	"won": "win", "sent": "send", "paid": "pay", "got": "get", "made": "make", "held": "hold",
	"left": "leave", "found": "find", "took": "take", "gave": "give", "given": "give",
	"seen": "see", "saw": "see", "chosen": "choose", "bought": "buy", "lost": "lose",
	"broke": "break", "broken": "break", "frozen": "freeze", "sold": "sell", "told": "tell",
}

// ingNouns are words in -ing that are nouns or adjectives, not a verb's form: "mailing
// address" is no "mail address" (which an e-mail address is).
var ingNouns = map[string]bool{"mailing": true, "morning": true, "evening": true, "during": true, "nothing": true,
	"something": true, "anything": true, "everything": true, "building": true, "meeting": true, "wedding": true,
	"clothing": true, "shipping": true, "pending": true, "string": true, "spring": true}

// maxBaseForms bounds the spellings baseForms returns for one phrase.
const maxBaseForms = 16

// baseForms returns the spellings of the normalised phrase p with its verbs in the base
// form and its plurals in the singular, p itself excluded: nothing when p is a single word or
// has no word to change.
func baseForms(p string) []string {
	if !strings.Contains(p, " ") {
		return nil
	}
	words := strings.Split(p, " ")
	out := []string{""}
	changed := false
	for _, w := range words {
		forms := []string{w}
		if isASCIIWord(w) {
			forms = wordBases(w)
		}
		changed = changed || len(forms) > 1
		next := make([]string, 0, len(out)*len(forms))
		for _, o := range out {
			for _, f := range forms {
				if o != "" {
					f = o + " " + f
				}
				next = append(next, f)
			}
		}
		if len(next) > maxBaseForms+1 {
			next = next[:maxBaseForms+1]
		}
		out = next
	}
	if !changed {
		return nil
	}
	return out[1:] // out[0] is p: every word's first form is the word as written
}

// wordBases returns w and the base forms (a verb's, a noun's singular) it may stand for.
func wordBases(w string) []string {
	if b, ok := baseVerbs[w]; ok {
		return []string{w, b}
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ied"): // "verified"
		return []string{w, w[:n-3] + "y"}
	case n > 4 && strings.HasSuffix(w, "ed"):
		forms := []string{w, w[:n-2], w[:n-1]} // "locked" as "lock", "received" as "receive"
		if n > 5 && w[n-3] == w[n-4] {
			forms = append(forms, w[:n-3]) // "stopped" as "stop"
		}
		return forms
	case n > 5 && strings.HasSuffix(w, "ing") && !ingNouns[w]:
		forms := []string{w, w[:n-3], w[:n-3] + "e"} // "holding" as "hold", "using" as "use"
		if w[n-4] == w[n-5] {
			forms = append(forms, w[:n-4]) // "stopping" as "stop"
		}
		return forms
	case n > 4 && strings.HasSuffix(w, "ies"): // "deliveries" as "delivery"
		return []string{w, w[:n-3] + "y"}
	case n > 4 && w[n-1] == 's' && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return []string{w, w[:n-1]} // "cards" as "card"; not "address", "bonus", "analysis"
	}
	return []string{w}
}

// isASCIIWord reports whether w is a non-empty run of lower-case ASCII letters.
func isASCIIWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isLetter(w[i]) {
			return false
		}
	}
	return true
}

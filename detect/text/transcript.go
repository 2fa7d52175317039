package text

import (
	"strings"
	"unicode/utf8"
)

// shopperNames are the speaker labels that mean the shopper in a pasted chat.
var shopperNames = map[string]bool{"我": true, "me": true, "Me": true, "ME": true, "买家": true, "buyer": true, "Buyer": true}

// maxSpeakerRunes bounds a speaker label ("客服小美：", "Seller:").
const maxSpeakerRunes = 16

// ParseTranscript turns a pasted chat into messages when its lines say who speaks: a line
// "我：…" or "me: …" starts a message from the shopper, a line "<name>：…" with a short name
// one from the other side, and any other line continues the message before it. A text
// without a line from the shopper is one message from the other side, as received.
func ParseTranscript(s string) []Message {
	var msgs []Message
	var starts []int // where each message's text starts in s: a message runs to the next line with a speaker
	mine := false
	for at := 0; at < len(s); {
		end := len(s)
		if k := strings.IndexByte(s[at:], '\n'); k >= 0 {
			end = at + k + 1
		}
		line := s[at:end]
		speaker, rest, ok := splitSpeaker(line)
		switch {
		case ok:
			from := FromThem
			if shopperNames[speaker] {
				from, mine = FromMe, true
			}
			msgs = append(msgs, Message{From: from})
			starts = append(starts, end-len(rest))
		case len(msgs) == 0:
			msgs = append(msgs, Message{From: FromThem})
			starts = append(starts, at)
		}
		if len(msgs) > 0 {
			msgs[len(msgs)-1].Text = s[starts[len(msgs)-1]:end]
		}
		at = end
	}
	if !mine {
		return []Message{{From: FromThem, Text: s}}
	}
	for i := range msgs {
		msgs[i].Text = strings.TrimRight(msgs[i].Text, "\r\n")
	}
	return msgs
}

// splitSpeaker splits "name: text" or "name：text" into the name and the text.
func splitSpeaker(line string) (string, string, bool) {
	i := strings.IndexAny(line, ":：")
	if i <= 0 {
		return "", "", false
	}
	name := strings.TrimSpace(line[:i])
	if name == "" || utf8.RuneCountInString(name) > maxSpeakerRunes || strings.ContainsAny(name, "/.@") {
		return "", "", false // a link or an address, not a speaker
	}
	_, size := utf8.DecodeRuneInString(line[i:])
	return name, strings.TrimLeft(line[i+size:], " \t"), true
}

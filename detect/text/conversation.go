package text

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopguard/shopguard"
)

// Limits on what one scan reads.
const (
	MaxMessages = 1000
	MaxBytes    = 1 << 20 // all texts together
)

// Input is one thing to scan: a single text, or a conversation of messages in order. ID is
// the caller's, carried through batch runs.
type Input struct {
	ID       string    `json:"id,omitempty"`
	Text     string    `json:"text,omitempty"`
	Messages []Message `json:"messages,omitempty"`
}

// ParseInput reads an Input from a JSON object and validates it. Fields it does not know are
// ignored, so labelled evaluation rows parse too.
func ParseInput(data []byte) (Input, error) {
	var in Input
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return in, shopguard.Invalid("input", "want a JSON object with \"text\" or \"messages\"")
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return in, shopguard.Invalid("input", "bad JSON: %v", err)
	}
	return in, in.Validate()
}

// Validate checks that the input has a text or messages (not both), that every sender is
// me, them or platform, and that it is within the limits.
func (in *Input) Validate() error {
	switch {
	case strings.TrimSpace(in.Text) == "" && len(in.Messages) == 0:
		return shopguard.Invalid("text", "give a text or messages")
	case in.Text != "" && len(in.Messages) > 0:
		return shopguard.Invalid("messages", "give a text or messages, not both")
	case len(in.Messages) > MaxMessages:
		return shopguard.Invalid("messages", "at most %d messages, got %d", MaxMessages, len(in.Messages))
	}
	size := len(in.Text)
	for i, m := range in.Messages {
		switch m.From {
		case FromMe, FromThem, FromPlatform:
		default:
			return shopguard.Invalid(fmt.Sprintf("messages[%d].from", i), "sender is me, them or platform, got %q", m.From)
		}
		size += len(m.Text)
	}
	if size > MaxBytes {
		return shopguard.Errorf(shopguard.ETOOLARGE, "the texts add up to %d bytes, more than %d", size, MaxBytes)
	}
	return nil
}

// Conversation returns the messages to scan: the messages, or the text as one message
// received from the other side.
func (in *Input) Conversation() []Message {
	if len(in.Messages) > 0 {
		return in.Messages
	}
	return []Message{{From: FromThem, Text: in.Text}}
}

package http

import (
	"net/http"
	"slices"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/knowledge"
)

// checkChat is the data of the "Check a chat" page: the text as pasted and, once checked, the
// verdict with the text cut into highlighted segments and every cue explained.
type checkChat struct {
	Text   string
	Error  string
	Result *shopguard.Assessment // for the shared "assessment" template
	Stage  string                // the stage the script reached, in words
	URLs   []text.URL
	// URLsOmitted and LinksUnchecked are the result's: places of links not listed, and of
	// links the link check did not judge.
	URLsOmitted, LinksUnchecked int
	Messages                    []chatMessage
	Cues                        []cueExplained
}

// chatMessage is one message of the pasted chat, cut into highlighted segments.
type chatMessage struct {
	From     string
	Segments []text.Segment
}

// cueExplained is one kind of cue found: its title, why it matters and the words that showed
// it.
type cueExplained struct {
	ID, Title, Explain string
	Words              []string
}

// maxPastedChat caps the text of the form, in bytes.
const maxPastedChat = 64 << 10

func (s *Server) handleCheckChatPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "check_chat", "check.title", checkChat{})
	return nil
}

func (s *Server) handleCheckChatForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPastedChat+4096)
	if err := r.ParseForm(); err != nil {
		return s.checkChat(w, r, "", err)
	}
	return s.checkChat(w, r, r.PostFormValue("text"), nil)
}

// checkChat answers the chat check of the pasted text on the chat page; a form that could not be read
// (formErr) is too long.
func (s *Server) checkChat(w http.ResponseWriter, r *http.Request, pasted string, formErr error) error {
	d := checkChat{Text: pasted}
	switch {
	case formErr != nil:
		d.Error = "check.too_long"
		s.render(w, r, http.StatusRequestEntityTooLarge, "check_chat", "check.title", d)
		return nil
	case strings.TrimSpace(d.Text) == "":
		d.Error = "check.empty"
		s.render(w, r, http.StatusBadRequest, "check_chat", "check.title", d)
		return nil
	case len(d.Text) > maxPastedChat:
		d.Error = "check.too_long"
		s.render(w, r, http.StatusRequestEntityTooLarge, "check_chat", "check.title", d)
		return nil
	}
	lang := stateOf(r).lang
	msgs := text.ParseTranscript(d.Text)
	res, err := s.scan(r, msgs)
	if err != nil {
		return err
	}
	res.Explain(s.Knowledge, lang)
	a := res.Assessment()
	d.Result, d.Stage = &a, knowledge.Stage(res.Stage).Name(lang)
	for i, segs := range res.Highlight(msgs) {
		from := ""
		if len(msgs) > 1 {
			from = msgs[i].From
		}
		d.Messages = append(d.Messages, chatMessage{From: from, Segments: text.Marked(segs)})
	}
	d.Cues = explainCues(s.Knowledge, res, lang)
	res.Summarize() // the text is marked where every cue is; the list of links is bounded
	d.URLs, d.URLsOmitted, d.LinksUnchecked = res.URLs, res.URLsOmitted, res.LinksUnchecked
	s.render(w, r, http.StatusOK, "check_chat", "check.title", d)
	return nil
}

// explainCues lists each kind of cue found once, in the order first seen, with its words.
func explainCues(k *knowledge.Pack, res text.Result, lang shopguard.Lang) []cueExplained {
	var out []cueExplained
	at := map[string]int{}
	for _, c := range res.Cues {
		i, ok := at[c.ID]
		if !ok {
			ce := cueExplained{ID: c.ID, Title: c.ID}
			if st, ok := k.Signal("text." + c.ID); ok {
				ce.Title, ce.Explain = st.Title.Get(lang), st.Explain.Get(lang)
			}
			i = len(out)
			at[c.ID] = i
			out = append(out, ce)
		}
		if !slices.Contains(out[i].Words, c.Text) {
			out[i].Words = append(out[i].Words, c.Text)
		}
	}
	return out
}

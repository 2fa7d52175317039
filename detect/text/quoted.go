package text

import (
	"bytes"
	"strings"
)

// Words in an e-mail that its sender did not write do not count against it: the lines of an
// earlier message quoted in a reply ("> …", or everything under Outlook's "-----Original
// Message-----"), and the footer a mailing list appends (the list's
// sponsor advertisement, how to unsubscribe, the list's address). A scam is in what the sender
// writes; a list's "Free DVDs, join now" advertisement under a colleague's note is not.

// footerWindow is how far from the end of a message a mailing list's footer may start.
const footerWindow = 1500

// listMarkers are the words of a mailing list's own footer (lower case): its sponsor's box,
// its management page and address. A sender's own "unsubscribe" line is not one: a marketer's
// or a scammer's message carries that too.
var listMarkers = []string{"mailing list", "listinfo", "groups sponsor", "mailman", "email is sponsored by", "unsubscribe from this group"}

// othersWords holds the parts of a message its sender did not write: quoted lines, by byte
// offsets in the original text, and where the rest of the message stops being the sender's
// (a mailing list's footer or an earlier message under Outlook's mark; maxOffset when it
// never does).
type othersWords struct {
	quoted [][2]int32 // [start, end) of each run of quoted lines, in order
	footer int32
}

// minOwnWords is how many bytes of words of its own a reply needs for the message it quotes
// (in "> " lines or under Outlook's mark) not to count: a short note above a quoted or
// forwarded message ("is this real?") asks about that message, which is then what the check
// must judge.
const minOwnWords = 200

// findOthersWords returns the quoted lines and list footer of text. Quoted lines and an earlier
// message count unless the message has at least minOwnWords bytes of lines of its own or is a
// mailing list's post (it has the list's footer), so a message cannot hide behind "> " and a
// forwarded scam under a short question is judged.
// Most messages hold neither a line break followed by '>' nor a separator line, and cost two
// byte searches.
func findOthersWords(text string) othersWords {
	footer, earlier := listFooter(text), earlierMessage(text)
	o := othersWords{footer: footer}
	var quoted [][2]int32
	own := 0
	cut := min(int(min(footer, earlier)), len(text))
	if strings.Contains(text, "\n>") || strings.HasPrefix(text, ">") {
		quoted, own = quotedLines(text, cut)
	} else {
		own = len(strings.TrimSpace(text[:cut]))
	}
	if own >= minOwnWords || footer != maxOffset { // a list's post quotes its thread, it forwards nothing to the checker
		o.quoted, o.footer = quoted, min(footer, earlier)
	}
	return o
}

// quotedLines returns the runs of lines of text that start with '>' (after up to three
// spaces) and the bytes of the other lines' words before cut.
func quotedLines(text string, cut int) (runs [][2]int32, own int) {
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += at + 1
		}
		line := strings.TrimLeft(text[at:end], " ")
		switch {
		case strings.HasPrefix(line, ">") && len(text[at:end])-len(line) <= 3:
			if n := len(runs); n > 0 && runs[n-1][1] == int32(at) {
				runs[n-1][1] = int32(end)
			} else {
				runs = append(runs, [2]int32{int32(at), int32(end)})
			}
		case at < cut:
			own += len(strings.TrimSpace(line))
		}
		at = end
	}
	return runs, own
}

// listFooter returns where the footer of a mailing list starts in text: the first separator
// line (five or more of - _ = * ~ starting a line, or the signature mark "-- ") within the
// last footerWindow bytes that has a word of listMarkers after it; else the last line, when it
// is only a link to the list's management page ("http://xent.com/mailman/listinfo/fork", all
// some lists append); maxOffset when there is neither, or text is one line.
func listFooter(text string) int32 {
	if strings.IndexByte(strings.TrimRight(text, " \t\r\n"), '\n') < 0 {
		return maxOffset // one line: no footer under it (most chat messages)
	}
	from := max(0, len(text)-footerWindow)
	tail := text[from:]
	seps := separatorLines(tail)
	if len(seps) == 0 {
		return listinfoLine(text)
	}
	lower := bytes.ToLower([]byte(tail))
	last := -1 // where the last list marker starts in tail
	for _, m := range listMarkers {
		if i := bytes.LastIndex(lower, []byte(m)); i > last {
			last = i
		}
	}
	if last >= 0 && seps[0] < last {
		return int32(from + seps[0])
	}
	return listinfoLine(text)
}

// listPages are the paths of a mailing list's management page (lower case).
var listPages = []string{"/mailman/listinfo/", "/lists/listinfo/", "/mailman/options/"}

// maxListinfoLine is the longest last line listinfoLine reads: a list page's link is short.
const maxListinfoLine = 300

// listinfoLine returns where the last line of text starts when it is only a link to a mailing
// list's management page (listPages), maxOffset otherwise. It reads at most the last
// maxListinfoLine bytes: a chat message, one long line, is not read through.
func listinfoLine(text string) int32 {
	end := len(strings.TrimRight(text, " \t\r\n"))
	from := max(0, end-maxListinfoLine)
	nl := strings.LastIndexByte(text[from:end], '\n')
	if nl < 0 && from > 0 {
		return maxOffset
	}
	start := from + nl + 1
	line := strings.TrimSpace(text[start:end])
	if !strings.HasPrefix(line, "http://") && !strings.HasPrefix(line, "https://") || strings.ContainsAny(line, " \t") {
		return maxOffset
	}
	lower := strings.ToLower(line)
	for _, p := range listPages {
		if strings.Contains(lower, p) {
			return int32(start)
		}
	}
	return maxOffset
}

// originalMarks start the earlier message that Outlook puts under a reply, unquoted.
var originalMarks = []string{"-----Original Message-----", "----- Original Message -----"}

// earlierMessage returns where an earlier message under Outlook's mark starts in text, when the
// reply has words of its own above it; maxOffset otherwise.
func earlierMessage(text string) int32 {
	for _, m := range originalMarks {
		if i := strings.Index(text, m); i > 0 && strings.TrimSpace(text[:i]) != "" {
			return int32(i)
		}
	}
	return maxOffset
}

// separatorLines returns where the separator lines of tail start, in order.
func separatorLines(tail string) []int {
	var out []int
	for at := 0; at < len(tail); {
		end := strings.IndexByte(tail[at:], '\n')
		if end < 0 {
			end = len(tail)
		} else {
			end += at
		}
		if isSeparator(tail[at:end]) {
			out = append(out, at)
		}
		at = end + 1
	}
	return out
}

// isSeparator reports whether line draws a line across an e-mail: it starts with five or more
// of - _ = * ~ (the rest may be a title, "---- Yahoo! Groups Sponsor ----"), or is the
// signature mark "-- ".
func isSeparator(line string) bool {
	line = strings.TrimRight(line, "\r")
	if line == "-- " || line == "--" {
		return true
	}
	n := 0
	for n < len(line) && strings.IndexByte("-_=*~", line[n]) >= 0 {
		n++
	}
	return n >= 5
}

// has reports whether the byte offset at of the original text lies in words the sender did
// not write.
func (o *othersWords) has(at int32) bool {
	if at >= o.footer {
		return true
	}
	for _, q := range o.quoted {
		if at < q[0] {
			return false
		}
		if at < q[1] {
			return true
		}
	}
	return false
}

// any reports whether the message has words its sender did not write.
func (o *othersWords) any() bool { return len(o.quoted) > 0 || o.footer != maxOffset }

// maxOffset is more than any offset in a message.
const maxOffset = int32(^uint32(0) >> 1)

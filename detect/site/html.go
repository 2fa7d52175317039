package site

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of what Parse reads from one page. Input past them is ignored and Doc.Truncated says
// so: a page is judged on its first MaxHTML bytes.
const (
	MaxHTML   = 2 << 20   // bytes of HTML read from a page
	MaxText   = 256 << 10 // bytes of visible text kept from a page
	MaxLinks  = 1000      // links kept from a page
	MaxForms  = 50        // form actions kept from a page
	MaxImages = 200       // images kept from a page
	maxAttr   = 2048      // bytes kept of one attribute value or link text
	maxTitle  = 300       // bytes kept of the title
)

// Marks around struck-through text (del, s, strike) in Doc.Text: an old price shown crossed
// out. They are private-use runes, so no page text is taken for them by mistake of a reader;
// Evidence strips them.
const (
	struckOpen  = '\uE000'
	struckClose = '\uE001'
)

// Page is one page of a shop's site as fetched: the address it was read from (after
// redirects) and its HTML.
type Page struct {
	URL  string `json:"url"`
	HTML []byte `json:"-"`
}

// Link is an anchor of a page: its target as written and its text.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// Image is a picture of a page: its source and alternative text.
type Image struct {
	Src string `json:"src"`
	Alt string `json:"alt,omitempty"`
}

// Doc is what Parse reads from a page: the visible text (one line per block element, headings
// marked), the links, form targets and images, the title and the declared language.
type Doc struct {
	URL       string
	Title     string
	Lang      string
	Text      string   // visible text, blocks separated by "\n"
	Headings  []string // text of h1–h3 and of the title, in order
	Links     []Link
	Forms     []string // form actions
	Images    []Image
	Truncated bool // the page went past one of the limits
}

// blockTags end a line of text: what follows them is read as a new block.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Br: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Dt: true, atom.Dd: true, atom.Form: true,
	atom.Address: true, atom.Nav: true, atom.Main: true, atom.Aside: true, atom.Option: true,
	atom.Button: true, atom.Label: true, atom.Span: false,
}

// hidden tags hold no text a shopper sees.
var hidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Textarea: true, atom.Svg: true, atom.Iframe: true, atom.Object: true,
}

// Parse reads a page in one pass of the HTML tokenizer, linear in its input and bounded by
// the limits above. Malformed HTML is read as browsers would tokenize it; nothing is fetched.
func Parse(p Page) Doc {
	d := Doc{URL: p.URL}
	in := p.HTML
	if len(in) > MaxHTML {
		in, d.Truncated = in[:MaxHTML], true
	}
	z := html.NewTokenizer(bytes.NewReader(in))
	var (
		text                       strings.Builder
		line                       strings.Builder
		skip, heading, struck, inA int
		inTitle                    bool
		title                      strings.Builder
		linkAt                     = -1
	)
	flush := func() {
		s := strings.Join(strings.Fields(line.String()), " ")
		line.Reset()
		if s == "" {
			return
		}
		if text.Len()+len(s)+1 > MaxText {
			d.Truncated = true
			return
		}
		text.WriteString(s)
		text.WriteByte('\n')
		if heading > 0 && len(d.Headings) < 50 {
			d.Headings = append(d.Headings, clip(s, maxTitle))
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			d.Title = strings.ToValidUTF8(strings.Join(strings.Fields(title.String()), " "), "\uFFFD")
			if d.Title != "" {
				d.Headings = append([]string{d.Title}, d.Headings...)
			}
			d.Text = strings.ToValidUTF8(text.String(), "\uFFFD")
			return d
		case html.TextToken:
			if skip > 0 {
				continue
			}
			raw := z.Text()
			if inTitle {
				if title.Len() < maxTitle {
					title.WriteString(html.UnescapeString(string(raw)))
				}
				continue
			}
			s := string(raw) // the tokenizer has unescaped entities already
			if line.Len() < MaxText {
				line.WriteString(s)
			}
			if inA > 0 && linkAt >= 0 && len(d.Links[linkAt].Text) < maxAttr {
				d.Links[linkAt].Text = clip(d.Links[linkAt].Text+s, maxAttr)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			if hidden[a] {
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			if blockTags[a] {
				flush()
			}
			attrs := readAttrs(z, hasAttr && !end)
			switch a {
			case atom.Html:
				if !end && d.Lang == "" {
					d.Lang = attrs["lang"]
				}
			case atom.Title:
				inTitle = !end && tt != html.SelfClosingTagToken
			case atom.H1, atom.H2, atom.H3:
				heading = step(heading, end)
			case atom.Del, atom.S, atom.Strike:
				struck = step(struck, end)
				if end {
					line.WriteRune(struckClose)
				} else {
					line.WriteRune(struckOpen)
				}
			case atom.A, atom.Area:
				if end {
					inA, linkAt = max(0, inA-1), -1
					continue
				}
				if href, ok := attrs["href"]; ok {
					if len(d.Links) < MaxLinks {
						d.Links = append(d.Links, Link{Href: href})
						linkAt = len(d.Links) - 1
					} else {
						d.Truncated = true
					}
				}
				if tt == html.StartTagToken && a == atom.A {
					inA++
				}
			case atom.Form:
				if !end {
					if len(d.Forms) < MaxForms {
						d.Forms = append(d.Forms, attrs["action"])
					} else {
						d.Truncated = true
					}
				}
			case atom.Img:
				if len(d.Images) < MaxImages {
					d.Images = append(d.Images, Image{Src: attrs["src"], Alt: attrs["alt"]})
					if alt := attrs["alt"]; alt != "" {
						line.WriteString(" " + alt + " ")
					}
				} else {
					d.Truncated = true
				}
			case atom.Meta:
				if p := attrs["property"]; p == "og:title" && attrs["content"] != "" && len(d.Headings) < 50 {
					d.Headings = append(d.Headings, clip(attrs["content"], maxTitle))
				}
			}
		}
	}
}

// step moves a nesting depth by one tag.
func step(depth int, end bool) int {
	if end {
		return max(0, depth-1)
	}
	return depth + 1
}

// readAttrs returns the attributes Parse uses, lower-case keys, values clipped.
func readAttrs(z *html.Tokenizer, more bool) map[string]string {
	if !more {
		return nil
	}
	out := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch key := string(k); key {
		case "href", "src", "alt", "action", "lang", "property", "content":
			if _, seen := out[key]; !seen {
				out[key] = clip(strings.TrimSpace(string(v)), maxAttr)
			}
		}
	}
	return out
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

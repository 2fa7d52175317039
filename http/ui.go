package http

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/lazyre"
	"github.com/shopguard/shopguard/knowledge"
)

//go:embed ui/templates/*.html ui/templates/partials/*.html ui/static ui/locales/*.json
var uiFiles embed.FS

// ui holds the parsed page templates and the translation catalogs.
type ui struct {
	pages    map[string]*template.Template
	catalogs map[shopguard.Lang]map[string]string
	matcher  language.Matcher
	home     sync.Map // lang -> []byte: the home page as every anonymous visitor gets it
}

func newUI() (*ui, error) {
	u := &ui{pages: map[string]*template.Template{}, catalogs: map[shopguard.Lang]map[string]string{},
		matcher: language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})}
	for _, lang := range shopguard.Langs {
		data, err := uiFiles.ReadFile("ui/locales/" + string(lang) + ".json")
		if err != nil {
			return nil, fmt.Errorf("http: catalog %s: %w", lang, err)
		}
		cat := map[string]string{}
		if err := json.Unmarshal(data, &cat); err != nil {
			return nil, fmt.Errorf("http: catalog %s: %w", lang, err)
		}
		u.catalogs[lang] = cat
	}
	funcs := template.FuncMap{"list": func(xs ...string) []string { return xs },
		"list_checked": func(p page, codes []string) checkedList { return checkedList{p, codes} }}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(uiFiles, "ui/templates/layout.html", "ui/templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("http: layout template: %w", err)
	}
	names, _ := fs.Glob(uiFiles, "ui/templates/*.html")
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(uiFiles, name)
		if err != nil {
			return nil, fmt.Errorf("http: template %s: %w", base, err)
		}
		u.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return u, nil
}

// langCookie remembers the language a user picked with the switcher.
const langCookie = "sg_lang"

// langOf picks the language of a request: a ?lang= parameter (for API callers), the
// switcher's cookie, else Accept-Language, else Chinese.
func (u *ui) langOf(r *http.Request) shopguard.Lang {
	if r.URL.RawQuery != "" { // most requests have no query: nothing to parse
		if l, ok := shopguard.ParseLang(r.URL.Query().Get("lang")); ok {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := shopguard.ParseLang(c.Value); ok {
			return l
		}
	}
	al := r.Header.Get("Accept-Language")
	if al == "" {
		return shopguard.LangZH
	}
	tags, _, _ := language.ParseAcceptLanguage(al)
	if len(tags) == 0 {
		return shopguard.LangZH
	}
	_, i, _ := u.matcher.Match(tags...)
	return shopguard.Langs[i]
}

func (u *ui) static() http.Handler {
	sub, _ := fs.Sub(uiFiles, "ui")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// page is what every template gets: the language, who is signed in, the current path (for
// the language switcher), a title, and the page's own data.
type page struct {
	Lang  shopguard.Lang
	User  *shopguard.User
	Path  string
	Title string
	Data  any
	cat   map[string]string
	pack  *knowledge.Pack
}

// T returns the translation of a catalog key; a missing key shows as itself, and a test
// makes sure none is missing.
func (p page) T(key string) string {
	if s, ok := p.cat[key]; ok {
		return s
	}
	return key
}

// Tf returns the translation of key with {name} placeholders filled from name/value pairs.
//
// A catalog text picks a word by a number with {name|one|other}: the one form when the
// argument name is "1", else the other ("{n} {n|report|reports}").
func (p page) Tf(key string, pairs ...string) string { return fill(p.T(key), pairs...) }

// fill puts name/value pairs into a catalog text: {name} placeholders and {name|one|other}
// choices of word.
func fill(text string, pairs ...string) string {
	s := pluralForm().ReplaceAllStringFunc(text, func(m string) string {
		f := pluralForm().FindStringSubmatch(m)
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i] == f[1] && pairs[i+1] == "1" {
				return f[2]
			}
		}
		return f[3]
	})
	return strings.NewReplacer(placeholders(pairs)...).Replace(s)
}

// pluralForm is a choice of word by a number in a catalog text: {name|one|other}.
var pluralForm = lazyre.New(`\{(\w+)\|([^|{}]*)\|([^|{}]*)\}`)

func placeholders(pairs []string) []string {
	out := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, "{"+pairs[i]+"}", pairs[i+1])
	}
	return out
}

// ScamTypeName returns the name of a scam type in the page's language, or its id.
func (p page) ScamTypeName(id string) string {
	if st, ok := p.pack.ScamType(id); ok {
		return st.Name.Get(p.Lang)
	}
	return id
}

// MediaName says a file's media type in words: "PNG 图片", "MP4 video", "PDF document".
func (p page) MediaName(mediaType string) string {
	kind, sub, _ := strings.Cut(mediaType, "/")
	switch {
	case mediaType == "application/pdf":
		return p.T("media.pdf")
	case kind == "image" || kind == "video":
		return strings.TrimSpace(p.Tf("media."+kind, "format", mediaFormats[sub]))
	case kind == "text":
		return p.T("media.text")
	}
	return p.T("media.other")
}

// mediaFormats names the formats of pictures and recordings as people know them.
var mediaFormats = map[string]string{"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP",
	"mp4": "MP4", "quicktime": "MOV", "webm": "WebM", "3gpp": "3GP"}

// Text returns a knowledge text in the page's language.
func (p page) Text(t knowledge.Text) string { return t.Get(p.Lang) }

// Other returns the language the switcher offers.
func (p page) Other() shopguard.Lang {
	if p.Lang == shopguard.LangEN {
		return shopguard.LangZH
	}
	return shopguard.LangEN
}

// checkedList is what the "checked" template shows: the codes of what a check looked at.
type checkedList struct {
	Page  page
	Codes []string
}

// IsOperator reports whether the signed-in user is a moderator or an admin.
func (p page) IsOperator() bool { return p.User != nil && p.User.Role.AtLeast(shopguard.RoleModerator) }

// render writes the named page with the status. Rendering goes to a buffer first so that a
// template error becomes a clean error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, titleKey string, data any) {
	if body := s.renderPage(w, r, name, titleKey, data); body != nil {
		writePage(w, stateOf(r).lang, status, body)
	}
}

// writePage sends a rendered page.
func writePage(w http.ResponseWriter, lang shopguard.Lang, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(status)
	w.Write(body)
}

// renderPage renders page name, or answers an error and returns nil.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, name, titleKey string, data any) []byte {
	st := stateOf(r)
	p := page{Lang: st.lang, User: st.principal.User, Path: r.URL.RequestURI(), Data: data, cat: s.ui.catalogs[st.lang], pack: s.Knowledge}
	p.Title = p.T(titleKey)
	t, ok := s.ui.pages[name]
	if !ok {
		s.error(w, r, fmt.Errorf("http: no template %q", name))
		return nil
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Logger.Error("render", "page", name, "request_id", st.id, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil
	}
	return buf.Bytes()
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, d ErrorDetail) {
	s.render(w, r, status, "error", "error.title", d)
}

// localPath returns next when it is a path on this site, else "/": never redirect elsewhere.
// Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/\t/evil"
// and "/\\evil" go to another host; any control character, backslash or a second leading
// slash makes next refused, and what is kept must parse as a bare path.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2048 {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' || c == utf8.RuneError || unicode.IsSpace(c) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

func (s *Server) handleSetLang(w http.ResponseWriter, r *http.Request) error {
	lang, err := langOr(r.PathValue("lang"), stateOf(r).lang) // the path segment is never empty
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookies})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// handleHome sends the home page. What an anonymous visitor gets at "/" depends only on the
// language, so it is rendered once per language and kept: template execution was most of the
// page's cost.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if st.principal.User != nil || r.URL.RequestURI() != "/" {
		s.render(w, r, http.StatusOK, "home", "home.title", s.Knowledge)
		return nil
	}
	body, ok := s.ui.home.Load(st.lang)
	if !ok {
		page := s.renderPage(w, r, "home", "home.title", s.Knowledge)
		if page == nil {
			return nil
		}
		body, _ = s.ui.home.LoadOrStore(st.lang, page)
	}
	writePage(w, st.lang, http.StatusOK, body.([]byte))
	return nil
}

func (s *Server) handleLearn(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "learn", "learn.title", s.Knowledge)
	return nil
}

// learnType is the data of a scam type's page: the type and the channels it names.
type learnType struct {
	Type     *knowledge.ScamType
	Channels []*knowledge.Channel
}

func (s *Server) handleLearnType(w http.ResponseWriter, r *http.Request) error {
	st, ok := s.Knowledge.ScamType(r.PathValue("id"))
	if !ok {
		return shopguard.Errorf(shopguard.ENOTFOUND, "no scam type %q", r.PathValue("id"))
	}
	d := learnType{Type: st}
	for _, id := range st.Channels {
		if c, ok := s.Knowledge.Channel(id); ok {
			d.Channels = append(d.Channels, c)
		}
	}
	s.render(w, r, http.StatusOK, "learn_type", "learn.title", d)
	return nil
}

// loginForm is the data of the sign-in page.
type loginForm struct {
	Name, Next, Error string
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "login", "login.title", loginForm{Next: localPath(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	f := loginForm{Name: r.PostFormValue("name"), Next: localPath(r.PostFormValue("next"))}
	token, _, err := s.Auth.Login(r.Context(), f.Name, r.PostFormValue("password"), stateOf(r).clientIP)
	if shopguard.ErrorCode(err) == shopguard.EUNAUTHORIZED {
		f.Error = "login.failed"
		s.render(w, r, http.StatusUnauthorized, "login", "login.title", f)
		return nil
	}
	if err != nil {
		return err
	}
	s.rotateSession(w, r, token)
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogoutForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.logout(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// adminPage is the data of the operator overview.
type adminPage struct {
	Users  []*shopguard.User
	Keys   []*shopguard.APIKey
	Trends intel.Trends
	// MaxWeek is the largest weekly count, the scale of the chart (at least 1).
	MaxWeek int
}

func (s *Server) handleAdminPage(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	var d adminPage
	var err error
	if p.Can(shopguard.ScopeAdmin) {
		if d.Users, err = s.Store.ListUsers(r.Context()); err != nil {
			return err
		}
	}
	if d.Keys, err = s.Store.ListAPIKeys(r.Context(), p.User.ID); err != nil {
		return err
	}
	if d.Trends, err = s.trends(r); err != nil {
		return err
	}
	d.MaxWeek = 1
	for _, w := range d.Trends.Weeks {
		d.MaxWeek = max(d.MaxWeek, w.Reports)
	}
	s.render(w, r, http.StatusOK, "admin", "admin.title", d)
	return nil
}

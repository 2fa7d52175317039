package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/filetype"
)

// caseCookiePrefix starts the name of the cookie that holds a case key in a browser which
// made or opened the case, one cookie per case.
const caseCookiePrefix = "sg_case_"

// vault returns the evidence vault over the server's store and blob store.
func (s *Server) vault() (*casework.Vault, error) {
	if s.Blobs == nil {
		return nil, shopguard.Errorf(shopguard.EUNAVAILABLE, "evidence storage is not configured on this server")
	}
	return &casework.Vault{Cases: s.Store, Blobs: s.Blobs, Limits: s.evidenceLimits()}, nil
}

// evidenceLimits are the configured limits of a case's evidence, or the defaults.
func (s *Server) evidenceLimits() casework.Limits {
	if s.Config.Evidence.FileSize == 0 {
		return casework.DefaultLimits
	}
	return s.Config.Evidence
}

// caseOf returns the case named in the path when the request comes from its owner: with its
// key (as "Authorization: Bearer sgc_…" or the browser's case cookie) or as its signed-in
// owner. Nobody else may, whatever their role: a case not yours is ENOTFOUND, as if it did not
// exist.
func (s *Server) caseOf(r *http.Request) (*shopguard.Case, error) {
	c, owner, err := s.openCase(r)
	if err == nil && !owner {
		err = notYourCase(c.ID)
	}
	return c, err
}

// caseForReading is caseOf that also lets in whoever holds the case's share token (as
// "Authorization: Bearer sgs_…" or the browser's share cookie): they may read, not change.
// owner says which it was.
func (s *Server) caseForReading(r *http.Request) (c *shopguard.Case, owner bool, err error) {
	return s.openCase(r)
}

func notYourCase(id string) error {
	return shopguard.Errorf(shopguard.ENOTFOUND, "no case %s that you may open: send its key or sign in as its owner", id)
}

// openCase loads the case of the path and says whether the request holds the owner's
// credentials; one that holds only the share token gets owner false, and one that holds
// neither an ENOTFOUND error.
func (s *Server) openCase(r *http.Request) (*shopguard.Case, bool, error) {
	id := r.PathValue("id")
	if !shopguard.ValidCaseID(id) {
		return nil, false, notYourCase(id)
	}
	c, err := s.Store.CaseByID(r.Context(), id)
	if shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
		return nil, false, notYourCase(id)
	}
	if err != nil {
		return nil, false, err
	}
	tok, _ := bearer(r)
	if casework.KeyOpens(c, tok) {
		return c, true, nil
	}
	if ck, err := r.Cookie(caseCookiePrefix + id); err == nil && casework.KeyOpens(c, ck.Value) {
		return c, true, nil
	}
	if p := principalOf(r); p.User != nil && c.OwnerID != 0 && c.OwnerID == p.User.ID && (p.Key == nil || p.Key.Has(shopguard.ScopeReport)) {
		return c, true, nil
	}
	if casework.ShareOpens(c, tok) {
		return c, false, nil
	}
	if ck, err := r.Cookie(shareCookiePrefix + id); err == nil && casework.ShareOpens(c, ck.Value) {
		return c, false, nil
	}
	return nil, false, notYourCase(id)
}

// shareCookiePrefix starts the name of the cookie that holds a share token in a browser that
// opened a shared case's link.
const shareCookiePrefix = "sg_share_"

// setCaseCookie lets this browser open the case without typing its key again.
func (s *Server) setCaseCookie(w http.ResponseWriter, id, key string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: caseCookiePrefix + id, Value: key, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookies})
}

// reqLang is the language asked for with ?lang=, else the case's.
func reqLang(r *http.Request, c *shopguard.Case) (shopguard.Lang, error) {
	return langOr(r.URL.Query().Get("lang"), c.Lang)
}

// langOr is the language a request asked for (a query parameter or a body field named
// lang), or def when it asked for none.
func langOr(asked string, def shopguard.Lang) (shopguard.Lang, error) {
	if asked == "" {
		return def, nil
	}
	l, ok := shopguard.ParseLang(asked)
	if !ok {
		return "", shopguard.Invalid("lang", "unknown language %q: want zh-CN or en", asked)
	}
	return l, nil
}

// caseView is everything about a case, as the API and the case page show it.
type caseView struct {
	Case     *shopguard.Case            `json:"case"`
	Plan     casework.Plan              `json:"plan"`
	Evidence []*shopguard.EvidenceEntry `json:"evidence"`
	Channels []*shopguard.ChannelStatus `json:"channels"`
	Next     *nextStep                  `json:"next,omitempty"`
	Report   *caseReport                `json:"report,omitempty"`
}

// caseReport is where the community report made of a case stands.
type caseReport struct {
	ID     int64                  `json:"id"`
	Status shopguard.ReportStatus `json:"status"`
}

// nextStep is what to do next: a step of the plan and where it stands.
type nextStep struct {
	Step   casework.Step            `json:"step"`
	Status *shopguard.ChannelStatus `json:"status,omitempty"`
}

func (s *Server) viewCase(r *http.Request, c *shopguard.Case, lang shopguard.Lang) (*caseView, error) {
	ctx := r.Context()
	ev, err := s.Store.ListEvidence(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	st, err := s.Store.ListChannelStatus(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v := &caseView{Case: c, Plan: s.planner.Plan(c.Triage, lang, time.Now()), Evidence: ev, Channels: st}
	if step, status, ok := casework.NextStep(v.Plan, st); ok {
		v.Next = &nextStep{step, status}
	}
	if c.ReportID != 0 {
		rep, err := s.Store.ReportByID(ctx, c.ReportID)
		switch shopguard.ErrorCode(err) {
		case "":
			v.Report = &caseReport{ID: rep.ID, Status: rep.Status}
		case shopguard.ENOTFOUND: // deleted since
		default:
			return nil, err
		}
	}
	return v, nil
}

// reportCase turns the case into a community report by the request's caller, with the
// owner's consent: signed in, the report is the account's; with the case key alone, it is
// anonymous.
func (s *Server) reportCase(r *http.Request, c *shopguard.Case, req casework.ReportRequest) (*shopguard.Report, error) {
	if err := canReport(r); err != nil {
		return nil, err
	}
	x := &casework.Reporting{Cases: s.Store, Blobs: s.Blobs, Intel: s.Intel, Pack: s.Knowledge}
	return x.Report(r.Context(), c, req, reporter(r))
}

// newCase makes and stores a case for the request's user (if signed in) and returns it with
// its key.
func (s *Server) newCase(r *http.Request, lang shopguard.Lang, t shopguard.Triage) (*shopguard.Case, string, error) {
	var owner int64
	if u := principalOf(r).User; u != nil {
		owner = u.ID
	}
	c, key, err := casework.NewCase(owner, lang, t, time.Now())
	if err != nil {
		return nil, "", err
	}
	if err := s.Store.CreateCase(r.Context(), c); err != nil {
		return nil, "", err
	}
	return c, key, nil
}

// addEvidence streams the uploaded file of a multipart request into the vault. The note is
// taken from a "note" field sent before the file, or from ?note=.
func (s *Server) addEvidence(r *http.Request, c *shopguard.Case) (*shopguard.EvidenceEntry, error) {
	v, err := s.vault()
	if err != nil {
		return nil, err
	}
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return nil, shopguard.Invalid("file", "send the file as multipart/form-data in a field named file")
	}
	// the body bounds the file; counted against the client's disk quota before any is kept
	n := r.ContentLength
	if n < 0 || n > s.Config.MaxUploadBytes {
		n = s.Config.MaxUploadBytes
	}
	if err := s.takeDisk(r, n); err != nil {
		return nil, err
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	note := r.URL.Query().Get("note")
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, shopguard.Invalid("file", "no file: send it in a multipart field named file")
		}
		if err != nil {
			return nil, bodyError(err)
		}
		switch part.FormName() {
		case "note":
			b, err := io.ReadAll(io.LimitReader(part, 4*shopguard.MaxEvidenceNote+1))
			if err != nil {
				return nil, bodyError(err)
			}
			note = strings.TrimSpace(string(b))
			if err := shopguard.CheckText("note", note); err != nil {
				return nil, err
			}
		case "file":
			if err := shopguard.CheckText("file.filename", part.FileName()); err != nil {
				return nil, err
			}
			body := &bodyReader{r: part}
			e, err := v.Add(r.Context(), c.ID, part.FileName(), note, body)
			if err != nil && body.err != nil {
				return nil, bodyError(body.err)
			}
			return e, err
		}
		part.Close()
	}
}

// bodyReader remembers the error reading the request body gave, so that a failed upload is
// blamed on the client (a cut-off, oversized or malformed body), not on the server.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

// bodyError is the user error for a request body that could not be read: ETOOLARGE past the
// size limit, EINVALID for anything else (cut short, broken multipart framing).
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return shopguard.Errorf(shopguard.ETOOLARGE, "the upload is larger than %d bytes", mbe.Limit)
	}
	return shopguard.Invalid("file", "the upload is cut short or not valid multipart data: %v", err)
}

// document drafts a document of the case as Markdown or PDF; file is "name.md" or "name.pdf".
func document(c *shopguard.Case, ev []*shopguard.EvidenceEntry, file string, lang shopguard.Lang) (body []byte, contentType string, err error) {
	name, ext, _ := strings.Cut(file, ".")
	if !casework.ValidDocument(name) || (ext != "md" && ext != "pdf") {
		return nil, "", shopguard.Errorf(shopguard.ENOTFOUND, "no document %q: want NAME.md or NAME.pdf with NAME one of %s", file, strings.Join(casework.Documents, ", "))
	}
	md, err := casework.Markdown(name, lang, casework.DocInput{Case: c, Evidence: ev, Now: time.Now()})
	if err != nil || ext == "md" {
		return md, "text/markdown; charset=utf-8", err
	}
	var b bytes.Buffer
	if err := casework.PDF(&b, md, casework.DocumentTitle(name, lang), casework.Footer(lang)); err != nil {
		return nil, "", err
	}
	return b.Bytes(), "application/pdf", nil
}

// attachment sets the headers of a download named name.
func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
}

// serveEvidence sends an evidence file (of size bytes; -1 for a report's file, at most
// shopguard.MaxEvidenceSize) as a download that no browser renders in the site's origin: an
// attachment, its type one that Sniff recognises (anything else as
// application/octet-stream), never sniffed, in a sandbox without scripts.
func serveEvidence(w http.ResponseWriter, rc io.Reader, mediaType, name string, size int64) {
	attachment(w, filetype.Served(mediaType), name)
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	limit := size
	if size >= 0 {
		h.Set("Content-Length", strconv.FormatInt(size, 10))
	} else {
		limit = shopguard.MaxEvidenceSize
	}
	io.Copy(w, io.LimitReader(rc, limit))
}

// writePackage streams the case's evidence package.
func (s *Server) writePackage(w http.ResponseWriter, r *http.Request, c *shopguard.Case) error {
	ev, err := s.Store.ListEvidence(r.Context(), c.ID)
	if err != nil {
		return err
	}
	v, err := s.vault()
	if err != nil {
		return err
	}
	now := time.Now()
	key := packageKey(c, ev, now)
	f, size, ok := s.packages.open(key, now)
	if !ok {
		in := casework.PackageInput{Case: c, Evidence: ev, Plan: s.planner.Plan(c.Triage, c.Lang, now), Blobs: v.Blobs, Now: now}
		if f, size, err = s.buildPackage(r, in, key); err != nil {
			return err
		}
	}
	defer f.Close()
	attachment(w, "application/zip", fmt.Sprintf("shopguard-case-%s.zip", c.ID))
	w.Header().Set("Content-Length", fmt.Sprint(size))
	io.Copy(w, f)
	return nil
}

// buildPackage builds a package within the build budget into a file of the package cache,
// kept there under key, and returns it opened at its start with its size. It is built whole
// before a byte is sent, so that a failure is a clean error, not half an archive.
func (s *Server) buildPackage(r *http.Request, in casework.PackageInput, key string) (*os.File, int64, error) {
	tmp, err := s.packages.tempFile()
	if err != nil {
		return nil, 0, err
	}
	err = s.work(r, s.buildGate, func(ctx context.Context) error {
		s.packages.builds.Add(1)
		return casework.WritePackage(ctx, tmp, in)
	})
	var size int64
	if err == nil {
		size, err = tmp.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, 0, fmt.Errorf("http: package: %w", err)
	}
	if !s.packages.keep(key, in.Case.ID, tmp.Name(), size, in.Now) {
		os.Remove(tmp.Name()) // not kept: the open file still reads until closed
	}
	return tmp, size, nil
}

// caseURL is the web page of a case.
func caseURL(id string) string { return "/cases/" + url.PathEscape(id) }

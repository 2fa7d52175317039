package casework

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/budget"
)

// PackageFormat names the layout of an evidence package in its manifest.
const PackageFormat = "shopguard-evidence-package/1"

// Manifest is manifest.json of an evidence package: the evidence log as it was, and the hash
// and size of every other file of the package.
type Manifest struct {
	Format      string             `json:"format"`
	CaseID      string             `json:"case_id"`
	GeneratedAt string             `json:"generated_at"`
	ChainHead   string             `json:"chain_head"`
	Evidence    []ManifestEvidence `json:"evidence"`
	Files       []ManifestFile     `json:"files"`
}

// ManifestEvidence is an evidence log entry and where its file is in the package.
type ManifestEvidence struct {
	shopguard.EvidenceEntry
	Path string `json:"path"`
}

// ManifestFile is a file of the package with its SHA-256 and size.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// PackageInput is what a package is made from.
type PackageInput struct {
	Case     *shopguard.Case
	Evidence []*shopguard.EvidenceEntry
	Plan     Plan
	Blobs    shopguard.BlobStore
	Now      time.Time
}

//go:embed templates/index.html.tmpl
var indexHTML string

// indexTemplate is the package's index page, parsed at its first use.
var indexTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("index").Parse(indexHTML))
})

// WritePackage writes a case's evidence package to w as a ZIP: evidence/ with the files,
// documents/ with every document in both languages as Markdown and PDF, index.html to open
// offline and manifest.json with the hashes.
func WritePackage(ctx context.Context, w io.Writer, in PackageInput) error {
	zw := zip.NewWriter(w)
	m := Manifest{Format: PackageFormat, CaseID: in.Case.ID, GeneratedAt: in.Now.UTC().Format(TimeFormat), Files: []ManifestFile{}, Evidence: []ManifestEvidence{}}
	if n := len(in.Evidence); n > 0 {
		m.ChainHead = in.Evidence[n-1].Hash
	}
	put := func(path string, modified time.Time, r io.Reader) (ManifestFile, error) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: modified.UTC()})
		if err != nil {
			return ManifestFile{}, err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(fw, h), budget.Reader(ctx, r))
		if err != nil {
			return ManifestFile{}, fmt.Errorf("casework: package %s: %w", path, err)
		}
		f := ManifestFile{Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
		m.Files = append(m.Files, f)
		return f, nil
	}
	for _, e := range in.Evidence {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("casework: package: %w", err)
		}
		path := EvidencePath(e)
		rc, err := in.Blobs.Open(ctx, e.SHA256)
		if err != nil {
			return fmt.Errorf("casework: package evidence #%d: %w", e.Seq, err)
		}
		_, err = put(path, e.ReceivedAt, rc)
		rc.Close()
		if err != nil {
			return err
		}
		m.Evidence = append(m.Evidence, ManifestEvidence{EvidenceEntry: *e, Path: path})
	}
	din := DocInput{Case: in.Case, Evidence: in.Evidence, Now: in.Now}
	var docs []ManifestFile
	for _, name := range Documents {
		for _, lang := range shopguard.Langs {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("casework: package: %w", err)
			}
			md, err := Markdown(name, lang, din)
			if err != nil {
				return err
			}
			base := fmt.Sprintf("documents/%s.%s", name, lang)
			f, err := put(base+".md", in.Now, bytes.NewReader(md))
			if err != nil {
				return err
			}
			var pdf bytes.Buffer
			if err := PDF(&pdf, md, DocumentTitle(name, lang), Footer(lang)); err != nil {
				return err
			}
			g, err := put(base+".pdf", in.Now, &pdf)
			if err != nil {
				return err
			}
			docs = append(docs, f, g)
		}
	}
	var index bytes.Buffer
	if err := indexTemplate().Execute(&index, indexData(in, m, docs)); err != nil {
		return fmt.Errorf("casework: package index: %w", err)
	}
	if _, err := put("index.html", in.Now, &index); err != nil {
		return err
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("casework: package manifest: %w", err)
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: in.Now.UTC()})
	if err == nil {
		_, err = fw.Write(manifest)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return fmt.Errorf("casework: package: %w", err)
	}
	return nil
}

// ManifestName is the path of the manifest in a package.
const ManifestName = "manifest.json"

// EvidencePath is where an evidence file goes in a package: its number and its name, with
// the characters some systems refuse in names replaced.
func EvidencePath(e *shopguard.EvidenceEntry) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, e.Name)
	return fmt.Sprintf("evidence/%03d-%s", e.Seq, name)
}

type indexEvidence struct {
	ManifestEvidence
	Received string
}

func indexData(in PackageInput, m Manifest, docs []ManifestFile) any {
	ev := make([]indexEvidence, len(m.Evidence))
	for i, e := range m.Evidence {
		ev[i] = indexEvidence{e, e.ReceivedAt.UTC().Format("2006-01-02 15:04:05")}
	}
	return struct {
		Lang        shopguard.Lang
		CaseID      string
		GeneratedAt string
		ChainHead   string
		T           shopguard.Triage
		Amount      string
		Evidence    []indexEvidence
		Documents   []ManifestFile
		Plan        Plan
	}{in.Case.Lang, in.Case.ID, in.Now.UTC().Format("2006-01-02 15:04:05"), m.ChainHead, in.Case.Triage,
		shopguard.FormatFen(in.Case.Triage.AmountFen), ev, docs, in.Plan}
}

var docTitles = map[string]reason{
	DocPlatformComplaint: {ZH: "平台投诉书", EN: "Complaint to the platform"},
	DocComplaint12315:    {ZH: "消费投诉（12315）", EN: "Consumer complaint (12315)"},
	DocPoliceReport:      {ZH: "报案材料", EN: "Report to the police"},
	DocReport12377:       {ZH: "违法信息举报（12377）", EN: "Report of illegal content (12377)"},
	DocDemandLetter:      {ZH: "致商家的要求函", EN: "Letter of demand to the seller"},
}

// DocumentTitle returns the title of a document in lang.
func DocumentTitle(name string, lang shopguard.Lang) string { return docTitles[name].Get(lang) }

// Footer returns the line printed at the foot of every PDF page in lang.
func Footer(lang shopguard.Lang) string {
	return reason{ZH: "shopguard 生成的草稿，请核对后使用，不是法律意见", EN: "Draft made by shopguard: check it before use; not legal advice"}.Get(lang)
}

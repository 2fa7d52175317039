package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/shopguard/shopguard"
)

// apiDoc is the API reference page's view of the OpenAPI document: every operation with its
// parameters, its answers and an example request made from its schema.
type apiDoc struct {
	Title, Description string
	Operations         []apiOperation
}

// apiOperation is one operation of the API reference page.
type apiOperation struct {
	ID, Method, Path, Summary string
	Auth                      bool
	Params                    []apiParam
	Statuses                  []string
	Example                   string
}

// apiParam is a path or query parameter of an operation.
type apiParam struct {
	Name, In, Type, Description string
	Required                    bool
}

// openAPIDoc is the part of an OpenAPI 3.1 document the reference page reads.
type openAPIDoc struct {
	Info struct {
		Title, Description string
	}
	Components struct {
		Schemas map[string]*jsonSchema
	}
	Paths map[string]map[string]openAPIOp
}

type openAPIOp struct {
	Summary     string
	Description string
	Security    []map[string]any
	Parameters  []struct {
		Name, In, Description string
		Required              bool
		Schema                *jsonSchema
		Example               any
	}
	RequestBody *struct {
		Content map[string]struct{ Schema *jsonSchema }
	} `json:"requestBody"`
	Responses map[string]json.RawMessage
}

type jsonSchema struct {
	Ref        string `json:"$ref"`
	Type       any
	Enum       []any
	Default    any
	Example    any
	Format     string
	Properties map[string]*jsonSchema
	Required   []string
	Items      *jsonSchema
	OneOf      []*jsonSchema `json:"oneOf"`
	AnyOf      []*jsonSchema `json:"anyOf"`
}

// pathExamples are the values an example puts in a path parameter.
var pathExamples = map[string]string{"kind": "phone", "value": "13812345678", "prefix": "5f2a1", "id": "1", "seq": "1",
	"channel": "platform", "file": "police_report.zh-CN.md", "lang": "en"}

// buildAPIDoc reads the OpenAPI document into the reference page's data.
func buildAPIDoc(raw []byte) (*apiDoc, error) {
	var d openAPIDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("http: openapi.json: %w", err)
	}
	doc := &apiDoc{Title: d.Info.Title, Description: d.Info.Description}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, m := range []string{"get", "post", "put", "delete"} {
			o, ok := d.Paths[p][m]
			if !ok {
				continue
			}
			op := apiOperation{Method: strings.ToUpper(m), Path: p, Summary: o.Summary, Auth: len(o.Security) > 0}
			op.ID = strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(strings.ToLower(op.Method) + p)
			url := p
			var query []string
			for _, pa := range o.Parameters {
				ap := apiParam{Name: pa.Name, In: pa.In, Description: pa.Description, Required: pa.Required || pa.In == "path"}
				if pa.Schema != nil {
					ap.Type = d.typeName(pa.Schema)
				}
				op.Params = append(op.Params, ap)
				v := pathExamples[pa.Name]
				if pa.Example != nil {
					v = fmt.Sprint(pa.Example)
				} else if v == "" && pa.Schema != nil {
					v = fmt.Sprint(d.example(pa.Schema, 0))
				}
				switch pa.In {
				case "path":
					url = strings.ReplaceAll(url, "{"+pa.Name+"}", v)
				case "query":
					if ap.Required {
						query = append(query, pa.Name+"="+v)
					}
				}
			}
			if len(query) > 0 {
				url += "?" + strings.Join(query, "&")
			}
			for st := range o.Responses {
				op.Statuses = append(op.Statuses, st)
			}
			slices.Sort(op.Statuses)
			op.Example = d.curl(op, url, o)
			doc.Operations = append(doc.Operations, op)
		}
	}
	return doc, nil
}

// curl writes the example request of an operation as a curl command.
func (d *openAPIDoc) curl(op apiOperation, url string, o openAPIOp) string {
	var b strings.Builder
	b.WriteString("curl")
	if op.Method != "GET" {
		b.WriteString(" -X " + op.Method)
	}
	if op.Auth {
		b.WriteString(` -H 'Authorization: Bearer sg_…'`)
	}
	if o.RequestBody != nil {
		if c, ok := o.RequestBody.Content["application/json"]; ok && c.Schema != nil {
			body, _ := json.Marshal(d.example(c.Schema, 0))
			b.WriteString(" -H 'Content-Type: application/json' -d '" + strings.ReplaceAll(string(body), "'", `'\''`) + "'")
		} else if _, ok := o.RequestBody.Content["multipart/form-data"]; ok {
			b.WriteString(" -F file=@chat.png")
		}
	}
	b.WriteString(" http://127.0.0.1:8080" + url)
	return b.String()
}

// resolve follows a schema's $ref into the components.
func (d *openAPIDoc) resolve(s *jsonSchema) *jsonSchema {
	for i := 0; s != nil && s.Ref != "" && i < 8; i++ {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// typeName names a schema's type for the parameter table.
func (d *openAPIDoc) typeName(s *jsonSchema) string {
	s = d.resolve(s)
	if s == nil {
		return ""
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, e := range s.Enum {
			vs = append(vs, fmt.Sprint(e))
		}
		return strings.Join(vs, " | ")
	}
	return fmt.Sprint(s.Type)
}

// example makes a value that fits a schema: its example, default or first choice, else one
// built from its type (objects with every property, arrays with one item), to depth 4.
func (d *openAPIDoc) example(s *jsonSchema, depth int) any {
	s = d.resolve(s)
	switch {
	case s == nil || depth > 4:
		return nil
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	case len(s.OneOf) > 0:
		return d.example(s.OneOf[0], depth+1)
	case len(s.AnyOf) > 0:
		return d.example(s.AnyOf[0], depth+1)
	}
	typ := fmt.Sprint(s.Type)
	if ts, ok := s.Type.([]any); ok && len(ts) > 0 {
		typ = fmt.Sprint(ts[0])
	}
	switch typ {
	case "object":
		out := map[string]any{}
		for name, p := range s.Properties {
			if v := d.example(p, depth+1); v != nil {
				out[name] = v
			}
		}
		return out
	case "array":
		if v := d.example(s.Items, depth+1); v != nil {
			return []any{v}
		}
		return []any{}
	case "integer", "number":
		return 1
	case "boolean":
		return true
	case "string":
		switch s.Format {
		case "date":
			return "2026-11-20"
		case "date-time":
			return "2026-11-20T08:00:00Z"
		case "uri":
			return "https://example.com/"
		}
		return "…"
	}
	return nil
}

// handleAPIDocs serves the API reference: the OpenAPI document as a page, every operation
// with an example. It is in English, as the document is.
func (s *Server) handleAPIDocs(w http.ResponseWriter, r *http.Request) error {
	if s.apiDoc == nil {
		return shopguard.Errorf(shopguard.EUNAVAILABLE, "the API reference is not available")
	}
	stateOf(r).lang = shopguard.LangEN
	s.render(w, r, http.StatusOK, "api_docs", "api.title", s.apiDoc)
	return nil
}

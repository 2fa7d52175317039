package http

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/shopguard/shopguard"
)

// formMemory is how much of a multipart form is held in memory; the rest of its files go to
// temporary files the server removes when the request ends.
const formMemory = 8 << 20

// checkInput refuses, before any handler runs, text that no store keeps alike (a NUL byte,
// bytes that are not UTF-8) in the path, the query or a form, with a 400 naming the field.
// JSON bodies, and so every API body but an upload's, are checked by decodeJSON.
func checkInput(r *http.Request) error {
	if err := shopguard.CheckText("path", r.URL.Path); err != nil {
		return err
	}
	if r.URL.RawQuery != "" {
		if err := checkValues(r.URL.Query()); err != nil {
			return err
		}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		return nil
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return nil // the API reads no form: its JSON decoder refuses one, and uploads stream
	}
	v := r.Header.Get("Content-Type")
	if v == "application/json" {
		return nil // the API's usual body: its decoder checks its text
	}
	ct, _, _ := mime.ParseMediaType(v)
	switch {
	case ct == "multipart/form-data" && isUpload(r):
		return nil // streamed by its handler, which checks the note and file name
	case ct == "multipart/form-data":
		if err := r.ParseMultipartForm(formMemory); err != nil {
			return formError(err)
		}
		for field, files := range r.MultipartForm.File {
			for _, fh := range files {
				if err := shopguard.CheckText(field+".filename", fh.Filename); err != nil {
					return err
				}
			}
		}
		return checkValues(r.MultipartForm.Value)
	case ct == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return formError(err)
		}
		return checkValues(r.PostForm)
	}
	return nil
}

func checkValues(vs map[string][]string) error {
	for k, v := range vs {
		if err := shopguard.CheckText(k, k); err != nil {
			return shopguard.Invalid("", "a field name is not valid text")
		}
		for _, s := range v {
			if err := shopguard.CheckText(k, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// formError is an over-long body as it is (a 413), anything else an unreadable form.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return shopguard.Invalid("", "unreadable form: %v", err)
}

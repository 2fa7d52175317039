package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/storetest"
)

// s3Env adds to env the settings of a fresh bucket on the test's S3-compatible server.
func s3Env(t *testing.T, env map[string]string) {
	cfg := testenv.S3(t)
	env["SHOPGUARD_S3_ENDPOINT"] = cfg.Endpoint
	env["SHOPGUARD_S3_REGION"] = cfg.Region
	env["AWS_ACCESS_KEY_ID"] = cfg.AccessKey
	// The secret through a file, as a deployment would pass it.
	secret := filepath.Join(t.TempDir(), "s3-secret")
	os.WriteFile(secret, []byte(cfg.SecretKey+"\n"), 0o600)
	env["SHOPGUARD_S3_SECRET_KEY_FILE"] = secret
	env["SHOPGUARD_BLOBS"] = "s3://" + cfg.Bucket + "/evidence"
}

// Two nodes share one PostgreSQL database and one S3 bucket and nothing on disk: a case's
// evidence uploaded to one is read from the other.
func TestTwoNodesShareNothingOnDisk(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	env := func() map[string]string { return map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": dsn} }
	envA := env()
	s3Env(t, envA)
	envB := env()
	for k, v := range envA {
		if k != "SHOPGUARD_DATA" {
			envB[k] = v
		}
	}
	a, b := startServer(t, envA), startServer(t, envB)

	// A case and its evidence on node A, read back on node B.
	resp, err := http.Post(a.http.URL()+"/api/v1/cases", "application/json", strings.NewReader(`{"triage":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ ID, Key string }
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || c.Key == "" {
		t.Fatalf("create case on node A = %d", resp.StatusCode)
	}
	receipt := []byte("转账回单 transfer receipt 3299.00 CNY\n")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "receipt.txt")
	fw.Write(receipt)
	mw.Close()
	req, _ := http.NewRequest("POST", a.http.URL()+"/api/v1/cases/"+c.ID+"/evidence", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Key)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload on node A = %d", resp.StatusCode)
	}
	if st, got := get(t, b.http.URL()+"/api/v1/cases/"+c.ID+"/evidence/1", "Authorization", "Bearer "+c.Key); st != 200 || got != string(receipt) {
		t.Fatalf("the evidence read on node B = %d %q", st, got)
	}
	for _, e := range []map[string]string{envA, envB} {
		if files, _ := filepath.Glob(filepath.Join(e["SHOPGUARD_DATA"], "blobs", "*")); len(files) != 0 {
			t.Fatalf("evidence files on a node's disk: %v", files)
		}
	}

}

// A feed imported through the command line while two nodes serve from one PostgreSQL
// database reaches both within seconds (feedWatch).
func TestImportedFeedReachesEveryNode(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": dsn}
	a := startServer(t, env)
	b := startServer(t, map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": dsn})
	list := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(list, []byte("parcel-redelivery-fee.example.net\n"), 0o644)
	if code, out, errOut := run(t, env, "", "import", "feed", "--name", "ops-list", list); code != 0 {
		t.Fatalf("import feed: %d %s %s", code, out, errOut)
	}
	start := time.Now()
	for _, node := range []*server{a, b} {
		for {
			resp, err := http.Post(node.http.URL()+"/api/v1/check/url", "application/json", strings.NewReader(`{"url":"parcel-redelivery-fee.example.net"}`))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(got), `"feed":"ops-list"`) {
				break
			}
			if time.Since(start) > 3*feedWatch {
				t.Fatalf("the imported feed did not reach %s within %v: %s", node.http.URL(), 3*feedWatch, got)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

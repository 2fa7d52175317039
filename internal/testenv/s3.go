package testenv

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shopguard/shopguard/blob"
)

// S3Env names the variable that points the tests at a running S3-compatible server:
// http://ACCESS_KEY:SECRET_KEY@HOST:PORT. Without it the tests start `minio` from PATH.
const S3Env = "SHOPGUARD_TEST_S3"

var s3Server struct {
	once sync.Once
	cfg  blob.S3Config
	err  error
}

// S3 makes a fresh bucket on a real S3-compatible server (the one SHOPGUARD_TEST_S3 names,
// else a MinIO server this process starts from PATH, kept running until the process ends)
// and returns its configuration, or skips the test.
func S3(tb testing.TB) blob.S3Config {
	tb.Helper()
	s3Server.once.Do(func() { s3Server.cfg, s3Server.err = s3Start() })
	if s3Server.err != nil {
		Missing(tb, "S3 test skipped: %v (set %s=http://KEY:SECRET@HOST:PORT, or put minio on PATH: go install github.com/minio/minio@latest)", s3Server.err, S3Env)
		return blob.S3Config{}
	}
	c := s3Server.cfg
	c.Bucket = "t-" + strings.ToLower(rand.Text()[:16])
	c.Prefix = "evidence/"
	c.CreateBucket = true
	s, err := blob.NewS3(c)
	if err == nil {
		err = s.Check(context.Background())
	}
	if err != nil {
		tb.Fatalf("make the test bucket: %v", err)
	}
	return c
}

func s3Start() (blob.S3Config, error) {
	if v := os.Getenv(S3Env); v != "" {
		u, err := url.Parse(v)
		if err != nil || u.User == nil {
			return blob.S3Config{}, fmt.Errorf("%s=%q: want http://KEY:SECRET@HOST:PORT", S3Env, v)
		}
		secret, _ := u.User.Password()
		return blob.S3Config{Endpoint: u.Scheme + "://" + u.Host, AccessKey: u.User.Username(), SecretKey: secret, Region: "us-east-1"}, nil
	}
	bin, err := exec.LookPath("minio")
	if err != nil {
		return blob.S3Config{}, fmt.Errorf("%s is not set and no minio on PATH", S3Env)
	}
	addr, err := freeAddr()
	if err != nil {
		return blob.S3Config{}, err
	}
	dir, err := os.MkdirTemp("", "shopguard-minio-")
	if err != nil {
		return blob.S3Config{}, err
	}
	key, secret := "shopguardtest", "shopguardtest-"+rand.Text()
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", "127.0.0.1:0", dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+key, "MINIO_ROOT_PASSWORD="+secret, "MINIO_BROWSER=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // it dies with the tests
	if err := cmd.Start(); err != nil {
		return blob.S3Config{}, fmt.Errorf("start minio: %w", err)
	}
	go cmd.Wait() // the server lives as long as the test process; its files stay in dir
	cfg := blob.S3Config{Endpoint: "http://" + addr, AccessKey: key, SecretKey: secret, Region: "us-east-1"}
	if err := waitS3(addr); err != nil {
		cmd.Process.Kill()
		return blob.S3Config{}, err
	}
	return cfg, nil
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitS3 waits until MinIO at addr says it is ready.
func waitS3(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get("http://" + addr + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("minio on %s not ready after 60 s", addr)
}

package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/budget"
)

// S3Config says where an S3-compatible object store is and how to sign in to it.
type S3Config struct {
	// Endpoint is the server's address: host[:port], or a URL whose scheme (http or https)
	// says whether to use TLS. Empty means Amazon S3 (s3.amazonaws.com, over TLS).
	Endpoint string
	// Region is the bucket's region; empty lets the client ask the server.
	Region string
	// AccessKey and SecretKey sign the requests; both empty makes anonymous requests.
	AccessKey, SecretKey string
	// Bucket must exist, unless CreateBucket is set; Prefix (may be empty) goes before every
	// object name, so several deployments can share a bucket.
	Bucket, Prefix string
	// CreateBucket makes the bucket when it is missing (tests, a fresh development server).
	CreateBucket bool
}

// ParseS3URL reads s3://bucket/prefix into the bucket and the prefix, which comes back empty
// or ending in "/".
func ParseS3URL(s string) (bucket, prefix string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", shopguard.Invalid("blobs", "want s3://BUCKET/PREFIX, such as s3://evidence/shopguard")
	}
	prefix = strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return u.Host, prefix, nil
}

// S3 is a shopguard.BlobStore in an S3-compatible object store, with the guarantees of Dir:
// each file is the object PREFIX/aa/bb/<sha256>, written only once its SHA-256 is known and
// complete (a PUT is atomic), checked against its name when read, and deleted so that an
// upload racing the deletion keeps its file.
//
// Object stores cannot rename, so a deletion copies the object aside to
// PREFIX/tmp/del-<sha256>-<random> and then removes it. The time that counts is the one a Put
// writes into the object's metadata (shopguard-put, Unix nanoseconds; a Put of a file already
// there rewrites it by copying the object onto itself), which the copy keeps. As with Dir, a
// copy that shows a Put within the grace period goes back at once; otherwise it stays aside
// until a Sweep at least a grace period later, which puts it back if a case or report refers
// to it by then and removes it if not. So no file an upload logged within the grace period of
// its Put is ever destroyed, even when that Put refreshed the object in the moment between
// the copy and the removal (such a file is missing from Open until that Sweep puts it back).
// Several nodes may share one store, with their clocks in step.
type S3 struct {
	// Grace is as in Dir. NewS3 sets DefaultGrace.
	Grace time.Duration

	client         *minio.Client
	bucket, prefix string
	region         string
	create         bool
}

var _ shopguard.BlobStore = (*S3)(nil)

// The metadata keys (canonical header form, Unix nanoseconds) of the time of the last Put and
// of the time a Delete moved the object aside (when missing, the object's modification time:
// only tests set it, to age an object).
const (
	putMeta   = "Shopguard-Put"
	asideMeta = "Shopguard-Aside"
)

// NewS3 returns the store in c; it asks the server nothing (see Check).
func NewS3(c S3Config) (*S3, error) {
	endpoint, secure := c.Endpoint, true
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		endpoint, secure = u.Host, u.Scheme == "https"
	}
	creds := credentials.New(&credentials.Static{}) // anonymous
	if c.AccessKey != "" || c.SecretKey != "" {
		creds = credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")
	}
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: c.Region})
	if err != nil {
		return nil, shopguard.Invalid("s3.endpoint", "%q: %v", c.Endpoint, err)
	}
	prefix := strings.Trim(c.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{Grace: DefaultGrace, client: client, bucket: c.Bucket, prefix: prefix, region: c.Region, create: c.CreateBucket}, nil
}

// Check asks the server whether the bucket is there, and makes it if it is not and the
// configuration says so. EUNAVAILABLE if the server cannot be reached, ENOTFOUND if there is
// no such bucket.
func (s *S3) Check(ctx context.Context) error {
	where := s.client.EndpointURL().Host
	ok, err := s.client.BucketExists(ctx, s.bucket)
	switch {
	case err != nil:
		return unavailable(fmt.Errorf("blob: s3 %s: bucket %s: %w", where, s.bucket, err))
	case ok:
		return nil
	case !s.create:
		return shopguard.Errorf(shopguard.ENOTFOUND, "blob: s3 %s: no bucket %s", where, s.bucket)
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region}); err != nil {
		return unavailable(fmt.Errorf("blob: s3 %s: make bucket %s: %w", where, s.bucket, err))
	}
	return nil
}

func (s *S3) key(sum string) (string, error) {
	if !shopguard.ValidSHA256(sum) {
		return "", shopguard.Invalid("sha256", "not a SHA-256 in hex")
	}
	return s.prefix + sum[:2] + "/" + sum[2:4] + "/" + sum, nil
}

// unavailable marks err, a failure to reach the store, as EUNAVAILABLE: the request may be
// tried again later. Errors the server answered stay as they are.
func unavailable(err error) error {
	if err == nil || minio.ToErrorResponse(err).Code != "" {
		return err
	}
	return fmt.Errorf("%w: %w", shopguard.Errorf(shopguard.EUNAVAILABLE, "the evidence store cannot be reached, try again later"), err)
}

func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// Put implements shopguard.BlobStore. The file is read into a temporary local file first, as
// its name is its SHA-256.
func (s *S3) Put(ctx context.Context, r io.Reader, limit int64) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp("", "shopguard-put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), budget.Reader(ctx, io.LimitReader(r, limit+1)))
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: read: %w", err)
	}
	if size > limit {
		return "", 0, shopguard.Errorf(shopguard.ETOOLARGE, "the file is larger than %d bytes", limit)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	key, _ := s.key(sum)
	// A file already there is refreshed, not just seen, so that a Delete racing this upload
	// keeps it (see S3); gone meanwhile, it is written anew.
	switch err := s.refresh(ctx, key, key, time.Now()); {
	case err == nil:
		if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err == nil {
			return sum, size, nil
		}
	case !notFound(err):
		return "", 0, unavailable(fmt.Errorf("blob: put %s: refresh: %w", sum, err))
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", 0, fmt.Errorf("blob: put %s: %w", sum, err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, tmp, size, minio.PutObjectOptions{
		ContentType:    "application/octet-stream",
		UserMetadata:   map[string]string{putMeta: stamp(time.Now())},
		SendContentMd5: true,
	})
	if err != nil {
		return "", 0, unavailable(fmt.Errorf("blob: put %s: %w", sum, err))
	}
	return sum, size, nil
}

func stamp(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

// refresh copies the object src to dst (the same object, or a deleted one's way back) with
// its put time set to t.
func (s *S3) refresh(ctx context.Context, src, dst string, t time.Time) error {
	_, err := s.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: s.bucket, Object: dst, ReplaceMetadata: true, UserMetadata: map[string]string{putMeta: stamp(t)}},
		minio.CopySrcOptions{Bucket: s.bucket, Object: src})
	return err
}

// putTime is when an object was last put: its metadata, or else its modification time.
func putTime(info minio.ObjectInfo) time.Time { return metaTime(info, putMeta) }

// metaTime is the time kept under the metadata key, or else the object's modification time.
func metaTime(info minio.ObjectInfo, key string) time.Time {
	for k, v := range info.UserMetadata {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-"), key) {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return time.Unix(0, n)
			}
		}
	}
	return info.LastModified
}

func (s *S3) fresh(t time.Time) bool { return time.Since(t) < s.Grace }

// Open implements shopguard.BlobStore. The reader fails at the end if what it read does not
// have the SHA-256 it was asked for.
func (s *S3) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	key, err := s.key(sum)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if notFound(err) {
		return nil, shopguard.Errorf(shopguard.ENOTFOUND, "no file %s", sum)
	}
	if err != nil {
		return nil, unavailable(fmt.Errorf("blob: open %s: %w", sum, err))
	}
	return verified(obj, sum), nil
}

// Delete implements shopguard.BlobStore (see S3 for how).
func (s *S3) Delete(ctx context.Context, sum string) error {
	key, err := s.key(sum)
	if err != nil {
		return err
	}
	if _, err := s.remove(ctx, key, sum); err != nil {
		return unavailable(fmt.Errorf("blob: delete %s: %w", sum, err))
	}
	return nil
}

// remove moves the object key (of the file sum) aside unless it is fresh, reporting whether
// it did.
func (s *S3) remove(ctx context.Context, key, sum string) (bool, error) {
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil || s.fresh(putTime(info)) {
		return false, ignoreNotFound(err)
	}
	aside := s.prefix + "tmp/" + deletingPrefix + sum + "-" + rand.Text()
	// The copy keeps the metadata as it is at the copy, a refresh by a Put included; the time
	// it was moved aside is the copy's modification time.
	_, err = s.client.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: aside},
		minio.CopySrcOptions{Bucket: s.bucket, Object: key})
	if err != nil {
		return false, ignoreNotFound(err)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return false, err
	}
	info, err = s.client.StatObject(ctx, s.bucket, aside, minio.StatObjectOptions{})
	if err != nil {
		return false, ignoreNotFound(err)
	}
	if s.fresh(putTime(info)) { // a Put refreshed it before the copy
		return false, s.restore(ctx, aside, key)
	}
	return true, nil
}

// restore puts back at key an object that a Delete moved aside, its time refreshed (it may
// replace a copy a Put wrote meanwhile, and must not make it look older), and removes the
// one aside.
func (s *S3) restore(ctx context.Context, aside, key string) error {
	if err := s.refresh(ctx, aside, key, time.Now()); err != nil {
		return ignoreNotFound(err)
	}
	return ignoreNotFound(s.client.RemoveObject(ctx, s.bucket, aside, minio.RemoveObjectOptions{}))
}

func ignoreNotFound(err error) error {
	if notFound(err) {
		return nil
	}
	return err
}

// Sweep implements shopguard.BlobStore: it deletes (moves aside, see S3) every file past the
// grace period that inUse says nothing refers to; puts back the files moved aside that are
// fresh or in use, and removes those moved aside more than a grace period ago that are not;
// and leaves every other object alone. It returns how many kept files it deleted, and stops
// at the first error.
func (s *S3) Sweep(ctx context.Context, inUse func(ctx context.Context, sha256 string) (bool, error)) (removed int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return removed, unavailable(fmt.Errorf("blob: sweep: list: %w", obj.Err))
		}
		name := strings.TrimPrefix(obj.Key, s.prefix)
		if rest, ok := strings.CutPrefix(name, "tmp/"+deletingPrefix); ok {
			if err := s.sweepAside(ctx, obj.Key, rest, inUse); err != nil {
				return removed, fmt.Errorf("blob: sweep: %w", err)
			}
			continue
		}
		sum := name[strings.LastIndexByte(name, '/')+1:]
		if key, err := s.key(sum); err != nil || key != obj.Key {
			continue // not a kept file
		}
		info, err := s.client.StatObject(ctx, s.bucket, obj.Key, minio.StatObjectOptions{})
		if err != nil {
			if notFound(err) {
				continue
			}
			return removed, unavailable(fmt.Errorf("blob: sweep: %s: %w", sum, err))
		}
		if s.fresh(putTime(info)) {
			continue
		}
		used, err := inUse(ctx, sum)
		if err != nil {
			return removed, fmt.Errorf("blob: sweep: is %s in use: %w", sum, err)
		}
		if used {
			continue
		}
		gone, err := s.remove(ctx, obj.Key, sum)
		if err != nil {
			return removed, unavailable(fmt.Errorf("blob: sweep: delete %s: %w", sum, err))
		}
		if gone {
			removed++
		}
	}
	return removed, nil
}

// sweepAside deals with the object aside, which a Delete moved out of the file sum's place
// (rest is "<sha256>-<random>"): it goes back if it is fresh or in use, goes if it was moved
// aside more than a grace period ago and is not, and otherwise waits.
func (s *S3) sweepAside(ctx context.Context, aside, rest string, inUse func(ctx context.Context, sha256 string) (bool, error)) error {
	sum, _, _ := strings.Cut(rest, "-")
	key, err := s.key(sum)
	if err != nil {
		return nil
	}
	info, err := s.client.StatObject(ctx, s.bucket, aside, minio.StatObjectOptions{})
	if err != nil {
		return unavailable(ignoreNotFound(err))
	}
	if s.fresh(putTime(info)) {
		return unavailable(s.restore(ctx, aside, key))
	}
	used, err := inUse(ctx, sum)
	if err != nil {
		return fmt.Errorf("is %s in use: %w", sum, err)
	}
	switch {
	case used:
		return unavailable(s.restore(ctx, aside, key))
	case !s.fresh(metaTime(info, asideMeta)):
		return unavailable(ignoreNotFound(s.client.RemoveObject(ctx, s.bucket, aside, minio.RemoveObjectOptions{})))
	}
	return nil
}

// verified wraps rc so that reading it to the end fails with shopguard.ErrCorrupt unless what was read
// has the SHA-256 sum.
func verified(rc io.ReadCloser, sum string) io.ReadCloser {
	return &verifier{rc: rc, h: sha256.New(), sum: sum}
}

type verifier struct {
	rc  io.ReadCloser
	h   hash.Hash
	sum string
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(v.h.Sum(nil)) != v.sum {
		return n, fmt.Errorf("blob: %s: %w", v.sum, shopguard.ErrCorrupt)
	}
	return n, err
}

func (v *verifier) Close() error { return v.rc.Close() }

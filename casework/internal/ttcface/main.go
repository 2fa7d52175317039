// Command ttcface copies one face out of a TrueType collection (.ttc) into a standalone .ttf,
// which the PDF writer can embed. It is run by go generate in package casework:
//
//	go run ./internal/ttcface -in /usr/share/fonts/truetype/wqy/wqy-microhei.ttc -face 0 -out font/wqy-microhei.ttf.gz
//
// The output is gzip-compressed when its name ends in .gz.
package main

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	in := flag.String("in", "", "the .ttc file")
	face := flag.Int("face", 0, "index of the face to extract")
	out := flag.String("out", "", "the .ttf file to write (.ttf.gz to compress)")
	flag.Parse()
	if err := run(*in, *face, *out); err != nil {
		fmt.Fprintln(os.Stderr, "ttcface:", err)
		os.Exit(1)
	}
}

func run(in string, face int, out string) error {
	ttc, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	ttf, err := extract(ttc, face)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(out, ".gz") {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestCompression)
		w = zw
	}
	if _, err := w.Write(ttf); err != nil {
		f.Close()
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// extract returns face number face of a TrueType collection as a standalone font file.
func extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType collection")
	}
	n := int(be.Uint32(ttc[8:]))
	if face < 0 || face >= n || len(ttc) < 12+4*n {
		return nil, fmt.Errorf("face %d out of range (collection has %d)", face, n)
	}
	off := int(be.Uint32(ttc[12+4*face:]))
	if off+12 > len(ttc) {
		return nil, errors.New("face offset out of range")
	}
	numTables := int(be.Uint16(ttc[off+4:]))
	recs := off + 12
	if recs+16*numTables > len(ttc) {
		return nil, errors.New("table directory out of range")
	}
	hdr := make([]byte, 12+16*numTables)
	copy(hdr, ttc[off:off+12])
	var body []byte
	pos := len(hdr)
	headAt := -1
	for i := range numTables {
		r := ttc[recs+16*i : recs+16*i+16]
		tOff, tLen := int(be.Uint32(r[8:])), int(be.Uint32(r[12:]))
		if tOff+tLen > len(ttc) {
			return nil, fmt.Errorf("table %q out of range", r[:4])
		}
		o := hdr[12+16*i:]
		copy(o, r[:8])
		be.PutUint32(o[8:], uint32(pos+len(body)))
		be.PutUint32(o[12:], uint32(tLen))
		if string(r[:4]) == "head" {
			headAt = pos + len(body)
		}
		body = append(body, ttc[tOff:tOff+tLen]...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	font := append(hdr, body...)
	if headAt >= 0 && headAt+12 <= len(font) {
		be.PutUint32(font[headAt+8:], 0)
		be.PutUint32(font[headAt+8:], 0xB1B0AFBA-checksum(font))
	}
	return font, nil
}

// checksum is the TrueType checksum: the sum of the data as big-endian uint32s.
func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}

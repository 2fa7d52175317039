// Package ident finds and normalises the identifiers that scammers use: phone numbers, QQ
// numbers, WeChat ids, e-mail addresses, bank cards and accounts, Alipay accounts, domains,
// URLs and shops on a platform.
//
// Every kind has one canonical form (see shopguard.Kind), so that "138 1234 5678",
// "+86 138-1234-5678" and "１３８１２３４５６７８" are the same phone. Parse checks and
// normalises one value and says what is wrong with a bad one; Extract finds every identifier in
// free text, Chinese or English; Mask hides the middle of a personal identifier for public
// display; Hash is the key of the private lookup.
//
// The package is pure: no I/O, no mutable globals, safe for concurrent use.
package ident

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/shopguard/shopguard"
)

// Parse checks raw as an identifier of kind and returns it in canonical form. A bad value gets
// an EINVALID error about field "value" that says what is wrong.
func Parse(kind shopguard.Kind, raw string) (shopguard.Identifier, error) {
	v, err := Canonical(kind, raw)
	if err != nil {
		return shopguard.Identifier{}, err
	}
	return shopguard.Identifier{Kind: kind, Value: v}, nil
}

// Canonical returns raw as a canonical value of kind, or an EINVALID error about field "value".
func Canonical(kind shopguard.Kind, raw string) (string, error) {
	var buf [64]byte
	b, err := AppendCanonical(buf[:0], kind, raw)
	return string(b), err
}

// AppendCanonical appends the canonical form of raw as an identifier of kind to dst. It is
// Canonical without an allocation for the common kinds, for the lookup hot path.
func AppendCanonical(dst []byte, kind shopguard.Kind, raw string) ([]byte, error) {
	var why fault
	out, ok := appendCanonical(dst, kind, raw, &why)
	if !ok {
		return out, why.err(kind)
	}
	return out, nil
}

// appendCanonical is AppendCanonical that says whether raw is good, and why not in why when
// why is not nil: Extract refuses its many candidates that are no identifier without
// formatting a message.
func appendCanonical(dst []byte, kind shopguard.Kind, raw string, why *fault) ([]byte, bool) {
	switch kind {
	case shopguard.KindPhone:
		return appendPhone(dst, raw, why)
	case shopguard.KindQQ:
		return appendQQ(dst, raw, why)
	case shopguard.KindWeChat:
		return appendWeChat(dst, raw, why)
	case shopguard.KindEmail:
		return appendEmail(dst, raw, why)
	case shopguard.KindBankAccount:
		return appendBankAccount(dst, raw, why)
	case shopguard.KindAlipay:
		return appendAlipay(dst, raw, why)
	case shopguard.KindDomain:
		return appendDomain(dst, raw, why)
	case shopguard.KindURL:
		return appendURL(dst, raw, why)
	case shopguard.KindShop:
		return appendShop(dst, raw, why)
	}
	return dst, why.set(fault{args: unknownKind})
}

// Hash is the key of the private lookup: SHA-256 over the UTF-8 bytes of kind + ":" +
// canonical value.
func Hash(kind shopguard.Kind, canonical string) [32]byte {
	var buf [128]byte
	return sha256.Sum256(appendKey(buf[:0], kind, canonical))
}

// HashHex is Hash in lower-case hex, as the API shows it.
func HashHex(kind shopguard.Kind, canonical string) string {
	h := Hash(kind, canonical)
	return hex.EncodeToString(h[:])
}

// LowEntropy reports whether an identifier (canonical) comes from a space small enough to try
// every value of: phone numbers, QQ numbers, bank cards and accounts, Alipay accounts and
// shops (a platform's numeric ids) always; a WeChat id or an e-mail address when it is made of
// digits with fewer than three letters (a QQ or phone number as a WeChat id, "12345678@qq.com",
// "wx13812345678"). A hash does not hide such a value: whoever hashes every candidate finds
// it (a million guesses take about a second). Domains and URLs are not: they are public
// names, whose hashes hide them only from someone without a list of names to try.
func LowEntropy(kind shopguard.Kind, canonical string) bool {
	switch kind {
	case shopguard.KindEmail:
		local, _, _ := strings.Cut(canonical, "@")
		return fewLetters(local)
	case shopguard.KindWeChat:
		return fewLetters(canonical)
	}
	return LowEntropyKind(kind)
}

// LowEntropyKind reports whether every identifier of kind is LowEntropy: phone numbers, QQ
// numbers, bank cards and accounts, Alipay accounts and shops.
func LowEntropyKind(kind shopguard.Kind) bool {
	switch kind {
	case shopguard.KindPhone, shopguard.KindQQ, shopguard.KindBankAccount, shopguard.KindAlipay, shopguard.KindShop:
		return true
	}
	return false
}

// fewLetters reports whether s holds digits and fewer than three ASCII letters.
func fewLetters(s string) bool {
	letters, digits := 0, 0
	for i := range len(s) {
		switch c := s[i] | 0x20; {
		case c >= 'a' && c <= 'z':
			letters++
		case isDigit(s[i]):
			digits++
		}
	}
	return digits > 0 && letters < 3
}

func appendKey(dst []byte, kind shopguard.Kind, canonical string) []byte {
	dst = append(dst, kind...)
	dst = append(dst, ':')
	return append(dst, canonical...)
}

// fault is why a value is refused, its message not yet formatted. A parser takes a *fault
// and, when it refuses a value, says why in it if it is not nil; only the public API (Parse,
// Canonical, AppendCanonical) asks, and makes the fault an EINVALID error about field "value".
// Extract passes nil: refusing its many candidates that are no identifier costs no
// formatting and no allocation.
type fault struct {
	format string    // the message, a fmt format taking args (as it is for noArgs)
	args   faultArgs // the arguments the format takes
	str    string    // the format's string argument, when it takes one (before a number)
	num    int       // the format's number argument, when it takes one
	part   valuePart // the part of the value the message is about
}

// faultArgs says which arguments a fault's format takes.
type faultArgs uint8

const (
	noArgs      faultArgs = iota // the format is the message as it is
	numArg                       // %d of num
	charArg                      // %q of num as a rune
	strArg                       // %s or %q of str
	strCharArgs                  // str, then num as a rune
	unknownKind                  // the kind is none of shopguard.Kinds: shopguard.ParseKind's error
)

// valuePart is the part of a value that a fault is about, said before its message.
type valuePart uint8

const (
	wholeValue  valuePart = iota
	emailDomain           // the domain of an e-mail address
	alipayPhone           // an Alipay account read as a phone number
)

var partPrefix = [...]string{
	wholeValue:  "",
	emailDomain: "the domain of the e-mail address: ",
	alipayPhone: "an Alipay account is a phone number or an e-mail address: ",
}

// set records f in why, if why is not nil, and returns false: the value is refused.
func (why *fault) set(f fault) bool {
	if why != nil {
		*why = f
	}
	return false
}

// The faults of the parsers, by the arguments of their message: each records the fault in
// why (if not nil) and returns false.
func (why *fault) fail(format string) bool { return why.set(fault{format: format}) }
func (why *fault) failNum(format string, n int) bool {
	return why.set(fault{format: format, args: numArg, num: n})
}
func (why *fault) failChar(format string, r rune) bool {
	return why.set(fault{format: format, args: charArg, num: int(r)})
}
func (why *fault) failStr(format, s string) bool {
	return why.set(fault{format: format, args: strArg, str: s})
}
func (why *fault) failStrChar(format, s string, r rune) bool {
	return why.set(fault{format: format, args: strCharArgs, str: s, num: int(r)})
}

// of says that the fault recorded in why is about part of the value (a fault is about one
// part at most: no parser nests deeper), and returns false.
func (why *fault) of(part valuePart) bool {
	if why != nil {
		why.part = part
	}
	return false
}

// err is f, a fault of a value of kind, as the EINVALID error the public API returns: about
// field "value", or about field "kind" when kind is unknown.
func (f *fault) err(kind shopguard.Kind) error {
	var msg string
	switch f.args {
	case unknownKind:
		_, err := shopguard.ParseKind(string(kind))
		return err
	case numArg:
		msg = fmt.Sprintf(f.format, f.num)
	case charArg:
		msg = fmt.Sprintf(f.format, rune(f.num))
	case strArg:
		msg = fmt.Sprintf(f.format, f.str)
	case strCharArgs:
		msg = fmt.Sprintf(f.format, f.str, rune(f.num))
	default:
		msg = f.format
	}
	return shopguard.Invalid("value", "%s", partPrefix[f.part]+msg)
}

// fold maps a full-width ASCII form (ＱＱ, １３８, ＠) to ASCII and the ideographic space to a
// space; every other rune is returned unchanged. It maps one rune to one rune, so that offsets
// in folded text are offsets in the original.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// foldASCII returns s with full-width forms folded, lower-cased and trimmed of spaces; ok is
// false when a rune outside ASCII remains.
func foldASCII(dst []byte, s string) (out []byte, ok bool) {
	ok = true
	for _, r := range s {
		r = fold(r)
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r >= 0x80 {
			ok = false
			dst = append(dst, '?')
			continue
		}
		dst = append(dst, byte(r))
	}
	return trimSpace(dst), ok
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Mask returns a canonical value for public display: personal identifiers (phones, QQ, WeChat,
// e-mail, bank accounts, Alipay) with their middle hidden, "138****5678"; domains, URLs and
// shops, which are public already, as they are.
func Mask(kind shopguard.Kind, canonical string) string {
	switch kind {
	case shopguard.KindPhone:
		return maskPhone(canonical)
	case shopguard.KindQQ:
		return maskAccount(canonical, 2, 2)
	case shopguard.KindWeChat:
		return maskAccount(canonical, 2, 1)
	case shopguard.KindEmail:
		return maskEmail(canonical)
	case shopguard.KindBankAccount:
		return maskAccount(canonical, 4, 4)
	case shopguard.KindAlipay:
		if strings.HasPrefix(canonical, "+") {
			return maskPhone(canonical)
		}
		return maskEmail(canonical)
	}
	return canonical
}

package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Password policy, in characters (Unicode code points). No composition rules
// (NIST SP 800-63B): length is what makes a password strong.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// Argon2id parameters for new hashes: the first OWASP recommendation
// (m=19 MiB, t=2, p=1). Existing hashes carry their own parameters in the
// PHC string, so these can be raised later; NeedsRehash tells when a stored
// hash is weaker than this and Service.Login upgrades it on the next
// successful sign-in.
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds accepted when parsing a stored hash. Stored hashes are not user
// input, but a corrupt or hostile row must not make the server allocate
// gigabytes or spin for minutes: 256 MiB is 13 times today's memory cost.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 32
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrMalformedHash is wrapped by VerifyPassword's error when the encoded
// string is not an argon2id PHC string this package can verify.
var ErrMalformedHash = errors.New("malformed argon2id password hash")

var b64 = base64.RawStdEncoding.Strict()

// hashSlots bounds how many argon2 computations run at once, so a burst of
// sign-ins costs at most a few times 19 MiB instead of one allocation per
// request.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

func (p *argonParams) derive(password string) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
}

func (p *argonParams) encode() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(p.salt), b64.EncodeToString(p.key))
}

// HashPassword hashes pw with argon2id and a random 16-byte salt and returns
// the PHC string $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (standard
// base64 without padding). It does not apply the password policy; see
// ValidatePassword.
func HashPassword(pw string) (string, error) {
	p := argonParams{memory: argonMemory, time: argonTime, threads: argonThreads, salt: make([]byte, argonSaltLen)}
	if _, err := rand.Read(p.salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	p.key = make([]byte, argonKeyLen)
	p.key = p.derive(pw)
	return p.encode(), nil
}

// VerifyPassword reports whether pw matches the encoded argon2id hash,
// comparing in constant time with the parameters read from the string.
// A wrong password is (false, nil); a string that is not a valid argon2id
// PHC string within sane bounds is (false, an error wrapping
// ErrMalformedHash). It never panics.
func VerifyPassword(encoded, pw string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := p.derive(pw)
	return subtle.ConstantTimeCompare(got, p.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// the ones HashPassword uses now (or cannot be parsed).
func NeedsRehash(encoded string) bool {
	p, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return p.memory != argonMemory || p.time != argonTime || p.threads != argonThreads ||
		len(p.salt) != argonSaltLen || len(p.key) != argonKeyLen
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
}

func parsePHC(s string) (*argonParams, error) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return nil, malformed("want 5 fields separated by $")
	}
	if parts[1] != "argon2id" {
		return nil, malformed("algorithm %.20q is not argon2id", parts[1])
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok || v != strconv.Itoa(argon2.Version) {
		return nil, malformed("unsupported version %.20q", parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return nil, malformed("want parameters m=,t=,p=")
	}
	var p argonParams
	m, err1 := param(kv[0], "m", 1, maxMemory)
	t, err2 := param(kv[1], "t", 1, maxTime)
	th, err3 := param(kv[2], "p", 1, maxThreads)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	if m < 8*th {
		return nil, malformed("memory m=%d is below 8 KiB per lane", m)
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(th)
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < minSaltLen || len(p.salt) > maxSaltLen {
		return nil, malformed("salt must be %d to %d bytes of base64", minSaltLen, maxSaltLen)
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < minKeyLen || len(p.key) > maxKeyLen {
		return nil, malformed("hash must be %d to %d bytes of base64", minKeyLen, maxKeyLen)
	}
	return &p, nil
}

// param parses "name=<decimal>" strictly: no sign, no leading zeros, in [lo, hi].
func param(s, name string, lo, hi uint64) (uint64, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok || v == "" || len(v) > 10 || (len(v) > 1 && v[0] == '0') {
		return 0, malformed("bad parameter %.20q", s)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, malformed("bad parameter %.20q", s)
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, malformed("parameter %s=%s is outside %d..%d", name, v, lo, hi)
	}
	return n, nil
}

// ValidatePassword applies the password policy (MinPasswordLen to
// MaxPasswordLen characters). The error is BAD_USER_INPUT with field
// "password".
func ValidatePassword(pw string) error {
	p := crm.NewProblems()
	checkPassword(p, "password", pw)
	return p.Err()
}

func checkPassword(p crm.Problems, field, pw string) {
	if !utf8.ValidString(pw) {
		p.Fail(field, crm.ReasonInvalidText, nil, "must be valid text")
		return
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		p.Fail(field, crm.ReasonTooShort, map[string]any{"min": MinPasswordLen}, "must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		p.Fail(field, crm.ReasonTooLong, map[string]any{"max": MaxPasswordLen}, "must be at most %d characters", MaxPasswordLen)
	}
}

// generatedAlphabet leaves out look-alikes (0/O, 1/l/I).
const generatedAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// GeneratePassword returns n random characters from a 57-letter alphabet
// without look-alikes (20 characters carry about 116 bits).
func GeneratePassword(n int) (string, error) {
	const a = len(generatedAlphabet)
	limit := byte(256 - 256%a) // reject bytes >= limit: no modulo bias
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n+8)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if b < limit && len(out) < n {
				out = append(out, generatedAlphabet[int(b)%a])
			}
		}
	}
	return string(out), nil
}

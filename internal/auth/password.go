package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Password policy, in characters (Unicode code points). No composition rules
// (NIST SP 800-63B): length is what makes a password strong, and common,
// trivial and personal passwords are refused (ValidatePassword).
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

// Reasons of password field errors, in the field's reason.
const (
	ReasonTooShort                   = crm.ReasonTooShort    // params: min
	ReasonTooLong                    = crm.ReasonTooLong     // params: max
	ReasonInvalidText                = crm.ReasonInvalidText // not UTF-8
	ReasonCommonPassword  crm.Reason = "COMMON_PASSWORD"
	ReasonTrivialPassword crm.Reason = "TRIVIAL_PASSWORD"
	ReasonContainsEmail   crm.Reason = "CONTAINS_EMAIL"
	ReasonSamePassword    crm.Reason = "SAME_PASSWORD"
)

// ValidatePassword applies the password policy to pw for the account with
// email (may be ""): MinPasswordLen to MaxPasswordLen characters, not one
// of the common passwords (CommonPassword), not trivial (one character
// repeated, a short pattern repeated, a run such as abcdefghij), and not
// the e-mail address or its local part with only digits and symbols
// added. The error is BAD_USER_INPUT with field "password".
func ValidatePassword(pw, email string) error {
	p := crm.NewProblems()
	checkPassword(p, "password", pw, email)
	return p.Err()
}

// checkPassword adds at most one problem with pw to p and reports whether
// there was none.
func checkPassword(p crm.Problems, field, pw, email string) bool {
	reason, params, msg := passwordProblem(pw, email)
	if reason == "" {
		return true
	}
	p.Fail(field, reason, params, "%s", msg)
	return false
}

func passwordProblem(pw, email string) (reason crm.Reason, params map[string]any, msg string) {
	if !utf8.ValidString(pw) {
		return ReasonInvalidText, nil, "must be valid text"
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		return ReasonTooShort, map[string]any{"min": MinPasswordLen}, fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		return ReasonTooLong, map[string]any{"max": MaxPasswordLen}, fmt.Sprintf("must be at most %d characters", MaxPasswordLen)
	}
	lower := strings.ToLower(pw)
	core := trimAffixes(lower)
	if containsEmail(lower, NormalizeEmail(email)) {
		return ReasonContainsEmail, nil, "must not be your e-mail address or its name part with digits or symbols added"
	}
	if trivial(lower) || len([]rune(core)) >= 4 && trivial(core) {
		return ReasonTrivialPassword, nil, "must not be a repeated character, a repeated pattern or a run such as abcdef or 123456"
	}
	// Digits with a few letters or symbols around them: a123456789, qq5201314!.
	digits := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsDigit(r) })
	fewAround := utf8.RuneCountInString(lower)-utf8.RuneCountInString(digits) <= 4
	if CommonPassword(lower) || CommonPassword(core) || fewAround && CommonPassword(digits) {
		return ReasonCommonPassword, nil, "is one of the most common passwords, which are guessed first; choose a phrase of your own"
	}
	return "", nil, ""
}

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 4096)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimRight(line, "\r"); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = struct{}{}
		}
	}
	return m
})

// CommonPassword reports whether pw (any case) is on the embedded list of
// the most common passwords (common_passwords.txt, made by
// scripts/common-passwords.py).
func CommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// trimAffixes takes digits, symbols and spaces off both ends of s:
// password2024!, 2024password and !password! are all password.
func trimAffixes(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// trivial reports whether s uses fewer than 4 distinct characters, repeats
// a pattern of at most half its length, or is a run of characters at a
// constant step of 1 or 2 (abcdef, 97531).
func trivial(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return true
	}
	distinct := map[rune]bool{}
	for _, c := range r {
		distinct[c] = true
	}
	if len(distinct) < 4 {
		return true
	}
	for p := 1; p <= len(r)/2; p++ {
		periodic := true
		for i := p; i < len(r) && periodic; i++ {
			periodic = r[i] == r[i-p]
		}
		if periodic {
			return true
		}
	}
	step := r[1] - r[0]
	if step == 0 || step > 2 || step < -2 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if r[i]-r[i-1] != step {
			return false
		}
	}
	return true
}

// containsEmail reports whether pw is the e-mail address or its local part
// (of 3 characters or more) with nothing but digits and symbols around or
// between copies of it.
func containsEmail(pw, email string) bool {
	if email == "" {
		return false
	}
	rest := strings.ReplaceAll(pw, email, "")
	if local, _, ok := strings.Cut(email, "@"); ok && utf8.RuneCountInString(local) >= 3 {
		rest = strings.ReplaceAll(rest, local, "")
	}
	return rest != pw && strings.IndexFunc(rest, unicode.IsLetter) < 0
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

package auth_test

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

var phcRe = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

func TestHashPasswordRoundTrip(t *testing.T) {
	t.Parallel()
	const pw = "correct horse 电池 staple"
	h, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !phcRe.MatchString(h) {
		t.Fatalf("not a PHC string with OWASP parameters: %s", h)
	}
	ok, err := auth.VerifyPassword(h, pw)
	if err != nil || !ok {
		t.Fatalf("verify right password = %v, %v", ok, err)
	}
	for _, wrong := range []string{"", "correct horse 电池 staplE", pw + " ", pw[:len(pw)-1]} {
		if ok, err := auth.VerifyPassword(h, wrong); ok || err != nil {
			t.Errorf("verify %q = %v, %v; want false, nil", wrong, ok, err)
		}
	}
	h2, _ := auth.HashPassword(pw)
	if h2 == h {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	if auth.NeedsRehash(h) {
		t.Error("a fresh hash needs rehashing")
	}
}

// Vectors of the Argon2 reference implementation (phc-winner-argon2's
// tests, salt "somesalt"): other parameters than ours, read from the string.
func TestVerifyReferenceVectors(t *testing.T) {
	t.Parallel()
	vectors := []struct{ pw, enc string }{
		{"password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"},
		{"password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"},
		{"password", "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"},
		{"differentpassword", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94"},
	}
	for _, v := range vectors {
		if ok, err := auth.VerifyPassword(v.enc, v.pw); !ok || err != nil {
			t.Errorf("VerifyPassword(%s, %q) = %v, %v; want true", v.enc, v.pw, ok, err)
		}
		if ok, err := auth.VerifyPassword(v.enc, v.pw+"!"); ok || err != nil {
			t.Errorf("VerifyPassword(%s, wrong) = %v, %v; want false, nil", v.enc, ok, err)
		}
		if !auth.NeedsRehash(v.enc) {
			t.Errorf("NeedsRehash(%s) = false", v.enc)
		}
	}
	// The same salt and hash under other parameters do not verify.
	for _, params := range []string{"m=257,t=2,p=1", "m=256,t=3,p=1", "m=256,t=2,p=4"} {
		enc := "$argon2id$v=19$" + params + "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
		if ok, err := auth.VerifyPassword(enc, "password"); ok || err != nil {
			t.Errorf("%s: verify = %v, %v; want false, nil", params, ok, err)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("password1234")
	if err != nil {
		t.Fatal(err)
	}
	m := phcRe.FindStringSubmatch(h)
	salt, sum := m[1], m[2]
	cases := map[string]string{
		"empty":             "",
		"garbage":           "not a hash",
		"bcrypt":            "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
		"argon2i":           "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + sum,
		"old version":       "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + sum,
		"no version":        "$argon2id$m=19456,t=2,p=1$" + salt + "$" + sum,
		"params order":      "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + sum,
		"missing param":     "$argon2id$v=19$m=19456,t=2$" + salt + "$" + sum,
		"extra param":       "$argon2id$v=19$m=19456,t=2,p=1,k=3$" + salt + "$" + sum,
		"t=0":               "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + sum,
		"p=0":               "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + sum,
		"p=256":             "$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + sum,
		"huge memory":       "$argon2id$v=19$m=4294967295,t=2,p=1$" + salt + "$" + sum,
		"overflow":          "$argon2id$v=19$m=99999999999999999999,t=2,p=1$" + salt + "$" + sum,
		"negative":          "$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + sum,
		"plus sign":         "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + sum,
		"leading zero":      "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + sum,
		"memory below 8p":   "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + sum,
		"huge time":         "$argon2id$v=19$m=19456,t=1000000,p=1$" + salt + "$" + sum,
		"empty salt":        "$argon2id$v=19$m=19456,t=2,p=1$$" + sum,
		"short salt":        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + sum,
		"salt not base64":   "$argon2id$v=19$m=19456,t=2,p=1$" + salt[:21] + "!$" + sum,
		"padded salt":       "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + sum,
		"short hash":        "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$c2FsdA",
		"hash not base64":   "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + sum[:42] + "*",
		"trailing field":    h + "$",
		"leading junk":      "x" + h,
		"six fields":        "$argon2id$v=19$m=19456,t=2,p=1$x$" + salt + "$" + sum,
		"url-safe alphabet": "$argon2id$v=19$m=19456,t=2,p=1$" + strings.Repeat("_", 22) + "$" + sum,
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := auth.VerifyPassword(enc, "password1234")
			if ok || !errors.Is(err, auth.ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", enc, ok, err)
			}
			if !auth.NeedsRehash(enc) {
				t.Error("NeedsRehash = false for a malformed hash")
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("password1234")
	if err != nil {
		t.Fatal(err)
	}
	m := phcRe.FindStringSubmatch(h)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for name, enc := range map[string]string{
		"salt": "$argon2id$v=19$m=19456,t=2,p=1$" + flip(m[1], 3) + "$" + m[2],
		"hash": "$argon2id$v=19$m=19456,t=2,p=1$" + m[1] + "$" + flip(m[2], 10),
	} {
		ok, err := auth.VerifyPassword(enc, "password1234")
		if ok || err != nil {
			t.Errorf("tampered %s: verify = %v, %v; want false, nil", name, ok, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pw, email string
		reason    crm.Reason // "" when accepted
	}{
		{"", "", auth.ReasonTooShort},
		{"123456789", "", auth.ReasonTooShort},
		{"密码密码密码密码密", "", auth.ReasonTooShort}, // 9 characters, 27 bytes
		{strings.Repeat("码", 129), "", auth.ReasonTooLong},
		{strings.Repeat("ab3", 43), "", auth.ReasonTooLong},
		{"\xff\xfe1234567890", "", auth.ReasonInvalidText},

		{"kehu-demo-2026", "sales1@kehu.local", ""}, // the demo password
		{"admin-password-123", "admin@kehu.local", ""},
		{"password-li.lei@kehu.cn", "li.lei@kehu.cn", ""},
		{"我的客户管理系统密码", "", ""},
		{"correct horse battery staple", "", ""},
		{"Tr0ub4dor&3xyz", "", ""},
		{"客户第一服务至上2026", "", ""},

		// the common list, any case, with digits and symbols around
		{"1234567890", "", auth.ReasonCommonPassword},
		{"qwertyuiop", "", auth.ReasonCommonPassword},
		{"QwertyUIOP", "", auth.ReasonCommonPassword},
		{"password123", "", auth.ReasonCommonPassword},
		{"Password2024!", "", auth.ReasonCommonPassword},
		{"!!password!!", "", auth.ReasonCommonPassword},
		{"p@ssw0rd1234", "", auth.ReasonCommonPassword},
		{"iloveyou1314", "", auth.ReasonCommonPassword},
		{"woaini1314", "", auth.ReasonCommonPassword},
		{"woaini1314520", "", auth.ReasonCommonPassword},
		{"a123456789", "", auth.ReasonCommonPassword},
		{"qq5201314", "", auth.ReasonTooShort},
		{"qq5201314!", "", auth.ReasonCommonPassword},
		{"x5201314x!", "", auth.ReasonCommonPassword},
		{"1qaz2wsx3edc", "", auth.ReasonCommonPassword},
		{"zhangwei1990", "", auth.ReasonCommonPassword},
		{"Dragon_1234", "", auth.ReasonCommonPassword},
		{"1990password", "", auth.ReasonCommonPassword},
		{"147258369a", "", auth.ReasonCommonPassword},
		{"kehu-crm-2026", "", auth.ReasonCommonPassword},

		// repeated and sequential characters
		{"aaaaaaaaaa", "", auth.ReasonTrivialPassword},
		{"          ", "", auth.ReasonTrivialPassword},
		{"1212121212", "", auth.ReasonTrivialPassword},
		{"abcabcabcabc", "", auth.ReasonTrivialPassword},
		{"abcdefghijk", "", auth.ReasonTrivialPassword},
		{"9876543210", "", auth.ReasonTrivialPassword},
		{"13579bdfhj", "", auth.ReasonTrivialPassword},
		{"20242024202", "", auth.ReasonTrivialPassword},
		{"密码密码密码密码密码", "", auth.ReasonTrivialPassword},
		{"xyzxyzxyz!!", "", auth.ReasonTrivialPassword},
		{strings.Repeat("a", 128), "", auth.ReasonTrivialPassword},

		// the user's own e-mail address
		{"zhao.min@kehu.cn", "zhao.min@kehu.cn", auth.ReasonContainsEmail},
		{"ZHAO.MIN@kehu.cn1", "zhao.min@kehu.cn", auth.ReasonContainsEmail},
		{"zhao.min2026!", "Zhao.Min@kehu.cn", auth.ReasonContainsEmail},
		{"2026zhao.minzhao.min", "zhao.min@kehu.cn", auth.ReasonContainsEmail},
		{"zhao.min-loves-tea", "zhao.min@kehu.cn", ""},
	}
	for _, c := range cases {
		err := auth.ValidatePassword(c.pw, c.email)
		if c.reason == "" {
			if err != nil {
				t.Errorf("ValidatePassword(%q, %q) = %v; want nil", c.pw, c.email, err)
			}
			continue
		}
		var e *crm.Error
		if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || len(e.Fields) != 1 || e.Fields[0].Field != "password" ||
			e.Fields[0].Reason != c.reason {
			t.Errorf("ValidatePassword(%q, %q) = %v; want BAD_USER_INPUT on field password with %s", c.pw, c.email, err, c.reason)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	n := 0
	for _, pw := range []string{"123456", "password", "qwerty", "woaini1314", "a123456", "5201314", "zxcvbnm", "1q2w3e4r", "iloveyou", "admin"} {
		if !auth.CommonPassword(pw) {
			t.Errorf("%q is not on the list", pw)
		}
	}
	for _, pw := range []string{"kehu-demo-2026", "kehu-demo", "admin-password"} {
		if auth.CommonPassword(pw) {
			t.Errorf("%q is on the list", pw)
		}
	}
	for range strings.SplitSeq(strings.TrimSpace(commonList(t)), "\n") {
		n++
	}
	if n < 2000 {
		t.Fatalf("the list has %d lines, want a few thousand", n)
	}
}

func commonList(t *testing.T) string {
	b, err := os.ReadFile("common_passwords.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzValidatePassword: the policy never panics, and what it accepts has
// the length and is not on the list.
func FuzzValidatePassword(f *testing.F) {
	f.Add("kehu-demo-2026", "a@b.cn")
	f.Add("password2024!", "")
	f.Add("ab@ab.cnab@ab.cn", "ab@ab.cn")
	f.Fuzz(func(t *testing.T, pw, email string) {
		if err := auth.ValidatePassword(pw, email); err == nil {
			if n := utf8.RuneCountInString(pw); n < auth.MinPasswordLen || n > auth.MaxPasswordLen || auth.CommonPassword(pw) {
				t.Fatalf("accepted %q", pw)
			}
		}
	})
}

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 50 {
		pw, err := auth.GeneratePassword(auth.GeneratedPasswordLen)
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != 20 || strings.ContainsAny(pw, "0O1lI") || auth.ValidatePassword(pw, "") != nil {
			t.Fatalf("bad generated password %q", pw)
		}
		if seen[pw] {
			t.Fatalf("repeated password %q", pw)
		}
		seen[pw] = true
	}
}

func FuzzVerifyPassword(f *testing.F) {
	h, err := auth.HashPassword("password1234")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h, "password1234")
	f.Add(h, "")
	f.Add("", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$c29tZXNhbHRzb21lc2FsdA", "pw")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$", "pw")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "pw")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ok, err := auth.VerifyPassword(encoded, pw)
		if ok && err != nil {
			t.Fatalf("ok with error %v", err)
		}
		if err != nil && !errors.Is(err, auth.ErrMalformedHash) {
			t.Fatalf("error %v does not wrap ErrMalformedHash", err)
		}
		if ok && encoded != h {
			// Only a hash of pw can verify; a fuzzer finding another is a
			// collision, which is a bug worth seeing.
			if again, _ := auth.VerifyPassword(encoded, pw+"x"); again {
				t.Fatalf("%q verifies %q and %q", encoded, pw, pw+"x")
			}
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := auth.HashPassword("benchmark-password"); err != nil {
			b.Fatal(err)
		}
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/kehu-crm/kehu/internal/crm"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// config is everything the program can be told, by flag or environment.
type config struct {
	Addr          string
	DataDir       string
	MongoURI      string
	DBName        string
	Demo          bool
	DemoCustomers int
	AdminEmail    string
	AdminPassword string
	CORSOrigins   []string
	SecureCookies bool
	SessionTTL    time.Duration
	// ClassifyEvery is how often the classification pass looks for the
	// customers whose classification time may have changed
	// (KEHU_CLASSIFY_EVERY, default 1h).
	ClassifyEvery time.Duration
	MaxBodyBytes  int64
	Timeout       time.Duration
	MaxPageSize   int
	MaxDepth      int
	MaxComplexity int
	LogLevel      string
	// TimeZone is the zone of calendar dates, customer codes, query-line
	// dates and aggregates (KEHU_TIME_ZONE, default Asia/Shanghai).
	TimeZone *time.Location

	TrustedProxies   []netip.Prefix // peers whose X-Forwarded-For/-Proto are believed
	MaxResponseBytes int            // largest GraphQL response
	APITokenRate     int            // requests per minute per API token
	// ImportMaxBytes and ImportMaxRows bound an uploaded worksheet
	// (KEHU_IMPORT_MAX_BYTES, default 50 MiB; KEHU_IMPORT_MAX_ROWS,
	// default 100,000 data rows).
	ImportMaxBytes int64
	ImportMaxRows  int
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func envInt(name string, def int) (int, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a whole number", name, v)
	}
	return n, nil
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a duration such as 30s or 12h", name, v)
	}
	return d, nil
}

// parseConfig reads flags (which win) over environment variables.
func parseConfig(args []string) (config, error) {
	var c config
	var errs []error
	num := func(name string, def int) int {
		n, err := envInt(name, def)
		errs = append(errs, err)
		return n
	}
	dur := func(name string, def time.Duration) time.Duration {
		d, err := envDuration(name, def)
		errs = append(errs, err)
		return d
	}
	fs := flag.NewFlagSet("kehu", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", env("KEHU_ADDR", "127.0.0.1:8080"), "listen address (KEHU_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("KEHU_DATA_DIR", "./data"), "data directory of the embedded store (KEHU_DATA_DIR)")
	fs.BoolVar(&c.Demo, "demo", envBool("KEHU_DEMO"), "load demo data into an empty database (KEHU_DEMO=1)")
	fs.IntVar(&c.DemoCustomers, "demo-customers", num("KEHU_DEMO_CUSTOMERS", 2000), "customers the demo data holds (KEHU_DEMO_CUSTOMERS)")
	fs.StringVar(&c.LogLevel, "log-level", env("KEHU_LOG_LEVEL", "info"), "debug, info, warn or error (KEHU_LOG_LEVEL)")
	c.MongoURI = os.Getenv("MONGODB_URI")
	c.DBName = env("KEHU_DB", "kehu")
	c.AdminEmail = env("KEHU_ADMIN_EMAIL", "admin@kehu.local")
	c.AdminPassword = os.Getenv("KEHU_ADMIN_PASSWORD")
	for _, o := range strings.Split(os.Getenv("KEHU_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			origin, err := parseOrigin(o)
			errs = append(errs, err)
			c.CORSOrigins = append(c.CORSOrigins, origin)
		}
	}
	for _, p := range strings.Split(os.Getenv("KEHU_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			prefix, err := parseProxy(p)
			errs = append(errs, err)
			c.TrustedProxies = append(c.TrustedProxies, prefix)
		}
	}
	c.SecureCookies = envBool("KEHU_SECURE_COOKIES")
	c.SessionTTL = dur("KEHU_SESSION_TTL", 12*time.Hour)
	c.ClassifyEvery = dur("KEHU_CLASSIFY_EVERY", time.Hour)
	c.MaxBodyBytes = int64(num("KEHU_MAX_BODY_BYTES", 1<<20))
	c.MaxResponseBytes = num("KEHU_MAX_RESPONSE_BYTES", 8<<20)
	c.Timeout = dur("KEHU_REQUEST_TIMEOUT", 30*time.Second)
	c.MaxPageSize = num("KEHU_MAX_PAGE_SIZE", 100)
	c.ImportMaxBytes = int64(num("KEHU_IMPORT_MAX_BYTES", sheet.DefaultMaxBytes))
	c.ImportMaxRows = num("KEHU_IMPORT_MAX_ROWS", sheet.DefaultMaxRows)
	c.MaxDepth = num("KEHU_MAX_QUERY_DEPTH", 12)
	c.MaxComplexity = num("KEHU_MAX_QUERY_COMPLEXITY", 20000)
	c.TimeZone = crm.DefaultLocation
	if tz := strings.TrimSpace(os.Getenv("KEHU_TIME_ZONE")); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			errs = append(errs, fmt.Errorf("KEHU_TIME_ZONE %q is not an IANA time zone (e.g. Asia/Shanghai)", tz))
		} else {
			c.TimeZone = loc
		}
	}
	c.APITokenRate = num("KEHU_API_TOKEN_RATE", auth.DefaultAPITokenPerMinute)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if c.ImportMaxBytes < 1024 || c.ImportMaxRows < 1 {
		errs = append(errs, errors.New("KEHU_IMPORT_MAX_BYTES (>= 1024) and KEHU_IMPORT_MAX_ROWS (>= 1) must be positive"))
	}
	if c.DemoCustomers < 0 || c.MaxBodyBytes < 1024 || c.MaxResponseBytes < 1024 || c.MaxPageSize < 1 || c.Timeout <= 0 || c.SessionTTL < time.Minute || c.ClassifyEvery < time.Minute {
		errs = append(errs, errors.New("KEHU_DEMO_CUSTOMERS, KEHU_MAX_BODY_BYTES and KEHU_MAX_RESPONSE_BYTES (>= 1024), KEHU_MAX_PAGE_SIZE, KEHU_REQUEST_TIMEOUT, KEHU_SESSION_TTL and KEHU_CLASSIFY_EVERY (>= 1m) must be positive"))
	}
	if c.APITokenRate < 1 {
		errs = append(errs, fmt.Errorf("KEHU_API_TOKEN_RATE=%d: requests per minute per API token must be at least 1", c.APITokenRate))
	}
	return c, errors.Join(errs...)
}

// parseOrigin checks one KEHU_CORS_ORIGINS entry: a browser origin,
// scheme://host[:port] with http or https and nothing after the host. A
// wildcard is refused: the API answers with credentials (the session
// cookie), which must never be shared with any site.
func parseOrigin(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("KEHU_CORS_ORIGINS: %q %s; write origins such as https://crm.example.com or http://localhost:5173", s, why)
	}
	if strings.Contains(s, "*") {
		return bad("is a wildcard, which cannot be combined with the session cookie")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return bad("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("does not start with http:// or https://")
	case u.Host == "" || u.User != nil || u.Opaque != "":
		return bad("has no host")
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return bad("has a path, query or fragment; an origin ends after the host and port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad("has an invalid port")
		}
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// parseProxy reads one KEHU_TRUSTED_PROXIES entry: an address (10.0.0.5,
// ::1) or a network in CIDR notation (10.0.0.0/8, fd00::/8).
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("KEHU_TRUSTED_PROXIES: %q is not a network such as 10.0.0.0/8", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("KEHU_TRUSTED_PROXIES: %q is not an IP address or a network such as 10.0.0.0/8", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

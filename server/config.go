package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
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
	MaxBodyBytes  int64
	Timeout       time.Duration
	MaxPageSize   int
	MaxDepth      int
	MaxComplexity int
	LogLevel      string
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
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	c.SecureCookies = envBool("KEHU_SECURE_COOKIES")
	c.SessionTTL = dur("KEHU_SESSION_TTL", 12*time.Hour)
	c.MaxBodyBytes = int64(num("KEHU_MAX_BODY_BYTES", 1<<20))
	c.Timeout = dur("KEHU_REQUEST_TIMEOUT", 30*time.Second)
	c.MaxPageSize = num("KEHU_MAX_PAGE_SIZE", 100)
	c.MaxDepth = num("KEHU_MAX_QUERY_DEPTH", 12)
	c.MaxComplexity = num("KEHU_MAX_QUERY_COMPLEXITY", 20000)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if c.DemoCustomers < 0 || c.MaxBodyBytes < 1024 || c.MaxPageSize < 1 || c.Timeout <= 0 || c.SessionTTL < time.Minute {
		errs = append(errs, errors.New("KEHU_DEMO_CUSTOMERS, KEHU_MAX_BODY_BYTES (>= 1024), KEHU_MAX_PAGE_SIZE, KEHU_REQUEST_TIMEOUT and KEHU_SESSION_TTL (>= 1m) must be positive"))
	}
	return c, errors.Join(errs...)
}

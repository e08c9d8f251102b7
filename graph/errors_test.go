package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestClientGoneLogsAtDebug: a failure while the client has gone away (its
// request context is canceled) is logged at debug, not as an error: under
// load thousands of clients hang up, and nothing is wrong with the server.
// The client still gets INTERNAL with a request id.
func TestClientGoneLogsAtDebug(t *testing.T) {
	for _, c := range []struct {
		name   string
		cancel bool
		err    error
		level  string
	}{
		{"client gone, canceled store call", true, crm.Internal(fmt.Errorf("list: %w", context.Canceled)), "level=DEBUG"},
		{"client gone, other failure", true, crm.Internal(errors.New("interrupted (9)")), "level=DEBUG"},
		{"client here, canceled error", false, crm.Internal(context.Canceled), "level=ERROR"},
		{"client here, failure", false, crm.Internal(errors.New("disk I/O error")), "level=ERROR"},
		{"timeout", false, crm.Internal(context.DeadlineExceeded), "level=ERROR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			ctx, cancel := context.WithCancel(WithRequestID(context.Background(), "req-1"))
			defer cancel()
			if c.cancel {
				cancel()
			}
			gerr := ErrorPresenter(log)(ctx, c.err)
			if !strings.HasPrefix(buf.String(), "time=") || !strings.Contains(buf.String(), c.level) {
				t.Fatalf("logged %q, want %s", buf.String(), c.level)
			}
			if gerr.Extensions["code"] != "INTERNAL" || gerr.Extensions["requestId"] != "req-1" {
				t.Fatalf("answered %+v", gerr)
			}
		})
	}
}

package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// A request whose client went away is logged at debug, not as an ERROR;
// a real fault still is.
func TestAbandonedRequestLogsAtDebug(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	present := ErrorPresenter(log)

	gone, cancel := context.WithCancel(WithRequestID(context.Background(), "r1"))
	cancel()
	if e := present(gone, crm.Internal(errors.New("sqlite: interrupted (9)"))); e.Extensions["code"] != "INTERNAL" {
		t.Fatalf("answer: %+v", e)
	}
	if out := buf.String(); !strings.Contains(out, "level=DEBUG") || strings.Contains(out, "level=ERROR") {
		t.Fatalf("abandoned request logged as: %s", out)
	}
	buf.Reset()
	present(WithRequestID(context.Background(), "r2"), crm.Internal(errors.New("disk on fire")))
	if !strings.Contains(buf.String(), "level=ERROR") {
		t.Fatalf("a real fault logged as: %s", buf.String())
	}
}

// Package mongotest gives tests a MongoDB to talk to: a real server when
// KEHU_TEST_MONGODB_URI is set, otherwise FerretDB v1 (SQLite handler)
// embedded in the test process, started once per test binary on first use
// and listening on a Unix socket in a temporary directory.
//
// Use it from any package's tests:
//
//	func TestMain(m *testing.M) { mongotest.Main(m) }
//
//	func TestX(t *testing.T) {
//		s := mongotest.Open(t)              // a *mongodb.Store on a fresh database
//		uri, db := mongotest.URI(t), mongotest.NewDatabase(t)
//		...
//	}
//
// Main stops FerretDB and removes its files after the tests. Each
// NewDatabase is dropped when its test ends.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/mongodb"
)

// EnvURI names the environment variable with a real MongoDB's URI.
const EnvURI = "KEHU_TEST_MONGODB_URI"

var (
	once     sync.Once
	uri      string
	ferret   bool
	startErr error
	stop     = func() {}

	clientOnce sync.Once
	client     *mongo.Client
	clientErr  error

	dbCounter atomic.Int64
	runID     = randomHex(4)
)

// Main runs the package's tests and then stops the embedded FerretDB (if
// one was started). Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the embedded FerretDB and removes its directory. Main calls it.
func Stop() {
	if client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = client.Disconnect(ctx)
		cancel()
	}
	stop()
}

func start() {
	if u := os.Getenv(EnvURI); u != "" {
		uri = u
		return
	}
	ferret = true
	uri, stop, startErr = startFerretDB()
}

// startFerretDB runs FerretDB with the SQLite handler in a temporary
// directory; its logs are discarded.
func startFerretDB() (string, func(), error) {
	// A short path: a Unix socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "kehu-ferretdb-")
	if err != nil {
		return "", func() {}, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return "", func() {}, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: filepath.Join(dir, "ferretdb.sock")},
		Handler:   "sqlite",
		SQLiteURL: "file:" + data + "/",
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", func() {}, fmt.Errorf("start FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	stop := func() {
		cancel()
		<-done
		_ = os.RemoveAll(dir)
	}
	// MongoDBURI waits until the listener is up.
	got := make(chan string, 1)
	go func() { got <- f.MongoDBURI() }()
	select {
	case u := <-got:
		return u, stop, nil
	case <-done:
		_ = os.RemoveAll(dir)
		return "", func() {}, errors.New("start FerretDB: it stopped before listening")
	case <-time.After(30 * time.Second):
		stop()
		return "", func() {}, errors.New("start FerretDB: not listening after 30 s")
	}
}

// URI returns the URI of the test server, starting FerretDB on first use.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(start)
	if startErr != nil {
		tb.Fatal(startErr)
	}
	return uri
}

// FerretDB reports whether the tests run against the embedded FerretDB
// rather than a real MongoDB.
func FerretDB() bool {
	once.Do(start)
	return ferret
}

// Options returns the mongodb.Options the test server needs: plain indexes
// where FerretDB lacks partial and TTL indexes.
func Options() mongodb.Options {
	f := FerretDB()
	return mongodb.Options{PlainCreditCodeIndex: f, PlainExpiresAtIndex: f}
}

// NewDatabase returns the name of a database no other test uses, dropped
// when the test (and its subtests) end.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	u := URI(tb)
	name := fmt.Sprintf("kehu_test_%s_%d", runID, dbCounter.Add(1))
	tb.Cleanup(func() {
		clientOnce.Do(func() {
			client, clientErr = mongo.Connect(options.Client().ApplyURI(u).SetServerSelectionTimeout(10 * time.Second))
		})
		if clientErr != nil {
			tb.Errorf("drop test database %s: %v", name, clientErr)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := client.Database(name).Drop(ctx); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return name
}

// Open opens a store on a new database; it is closed (then the database
// dropped) when the test ends.
func Open(tb testing.TB) *mongodb.Store {
	tb.Helper()
	return OpenDatabase(tb, NewDatabase(tb))
}

// OpenDatabase opens a store on the named database of the test server,
// closed when the test ends (closing it earlier is harmless).
func OpenDatabase(tb testing.TB, db string) *mongodb.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := mongodb.Open(ctx, URI(tb), db, Options())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

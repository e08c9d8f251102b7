// Package mongodb is the MongoDB adapter of crm.Store, through the official
// driver v2. Every document is a crm struct encoded with its bson tags (the
// same bytes the SQLite store keeps); lists, counts and keyset paging are
// pushed down to the server and use the indexes created by Open.
//
// The store also runs against FerretDB v1 (the tests' embedded server), which
// lacks partial and TTL indexes: see Options.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/kehu-crm/kehu/internal/crm"
)

// DefaultServerSelectionTimeout bounds how long Open (and every operation)
// waits for a reachable server before failing.
const DefaultServerSelectionTimeout = 5 * time.Second

// Batch sizes: never more than 1,000 documents per cursor batch (FerretDB
// fails on batches over 48 MB), and fewer for whole customer documents,
// which can be hundreds of kilobytes each.
const (
	smallBatch = 1000
	fullBatch  = 100
	loadBatch  = 200
	// chunkBatch: an import's undo chunk or chunk of result rows can be
	// up to 8 MB (crm.MaxImportUndoBytes, MaxImportRowsBytes), a merge up
	// to 15 MB (crm.MaxMergeBytes).
	chunkBatch = 5
)

// Options tune Open.
type Options struct {
	// PlainCreditCodeIndex creates the unique creditCode index without a
	// partialFilterExpression. Only for FerretDB v1, which does not
	// implement partial indexes (code 238) but never lets documents that omit
	// a field collide on a unique index. On MongoDB the plain index would
	// reject a second customer without a credit code; leave it false there.
	PlainCreditCodeIndex bool
	// PlainExpiresAtIndex creates a plain index on sessions.expiresAt instead
	// of a TTL index. Only for FerretDB v1, which does not implement
	// expireAfterSeconds (code 238); expired sessions are then removed only
	// by SessionStore.DeleteExpired.
	PlainExpiresAtIndex bool
	// ServerSelectionTimeout bounds the wait for a reachable server;
	// zero means DefaultServerSelectionTimeout.
	ServerSelectionTimeout time.Duration
}

// Store is the MongoDB implementation of crm.Store.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	customers *mongo.Collection
	users     *mongo.Collection
	sessions  *mongo.Collection
	sequences *mongo.Collection
	segments  *mongo.Collection

	// The start-up backfill of the text index (grams.go).
	stopBackfill func()
	backfillDone chan struct{}
	backfilled   int   // documents given grams; read after backfillDone
	backfillErr  error // read after backfillDone
}

var _ crm.Store = (*Store)(nil)

// Open connects to uri, checks that the server answers and creates the
// indexes (idempotent: opening the same database again is harmless).
func Open(ctx context.Context, uri, dbName string, opts Options) (*Store, error) {
	if dbName == "" {
		return nil, errors.New("mongodb: empty database name")
	}
	timeout := opts.ServerSelectionTimeout
	if timeout <= 0 {
		timeout = DefaultServerSelectionTimeout
	}
	co := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(timeout).
		SetConnectTimeout(timeout).
		SetAppName("kehu")
	if err := co.Validate(); err != nil {
		return nil, fmt.Errorf("mongodb: invalid URI %s: %w", redact(uri), err)
	}
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect to %s: %w", redact(uri), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, timeout+time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongodb: cannot reach %s within %s (is the server running and the URI right?): %w",
			redact(uri), timeout, err)
	}
	db := client.Database(dbName)
	s := &Store{
		client:    client,
		db:        db,
		customers: db.Collection(crm.CollectionCustomers),
		users:     db.Collection(crm.CollectionUsers),
		sessions:  db.Collection(crm.CollectionSessions),
		sequences: db.Collection(crm.CollectionSequences),
		segments:  db.Collection(crm.CollectionSegments),
	}
	if err := s.createIndexes(ctx, opts); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongodb: create indexes in %s: %w", dbName, err)
	}
	if err := s.refreshMatchKeys(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongodb: match keys in %s: %w", dbName, err)
	}
	bctx, stop := context.WithCancel(context.Background())
	s.stopBackfill, s.backfillDone = stop, make(chan struct{})
	go func() {
		defer close(s.backfillDone)
		s.backfilled, s.backfillErr = s.backfillGrams(bctx)
	}()
	return s, nil
}

// redact hides the password of a URI for error messages.
func redact(uri string) string {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return "the MongoDB URI"
	}
	end := strings.IndexByte(rest, '?')
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		user, _, _ := strings.Cut(rest[:at], ":")
		rest = user + ":***" + rest[at:]
	}
	return scheme + "://" + rest
}

// Index names. None is a substring of another, so a duplicate-key message
// naming the index identifies the field.
const (
	idxCode       = "uniq_code"
	idxCreditCode = "uniq_creditCode"
	idxEmail      = "uniq_email"
	// idxSegmentName keeps a user's segment names unique (nameKey is the
	// folded name).
	idxSegmentName = "uniq_ownerId_nameKey"
	// idxImportSeq keeps an import's undo chunks, and its chunks of
	// result rows, unique by seq.
	idxImportSeq = "uniq_import_seq"
)

// codeNotImplemented is the server error code FerretDB answers for index
// options it lacks.
const codeNotImplemented = 238

// FilterIndexPaths are the customer fields indexed for segment filters
// (besides the sort fields, indexed for lists), for the classification
// pass's due customers (class.nextCheckAt, crm.EachQuery.DueBy) and for
// people's tasks of a status (tasks.assigneeId, CustomersWithTasks) and the
// service requests not closed (serviceRequests.status, OpenServiceRequests).
// tasks.status has no index: nearly every customer keeps done or closed
// tasks (generated ones close themselves), so for those it would select
// most of the collection; and without $elemMatch (see openWork) a compound
// index on assignee and status could bound only its first field, as
// seg_tasks.assigneeId does.
// Tier, intent, industry, source and province filters use the sort
// indexes, which start with the archive scope and the field.
var FilterIndexPaths = []string{"stage", "ownerId", "tags", "interactions.at", "deals.date", "needs.status", "class.nextCheckAt", "tasks.assigneeId", "serviceRequests.status"}

// filterIndexName names the index of a filter field.
func filterIndexName(path string) string { return "seg_" + path }

// sortIndexName names the list index of one order field.
func sortIndexName(f crm.OrderField) string { return "list_" + f.StoragePath() }

func (s *Store) createIndexes(ctx context.Context, opts Options) error {
	credit := options.Index().SetName(idxCreditCode).SetUnique(true)
	if !opts.PlainCreditCodeIndex {
		credit.SetPartialFilterExpression(bson.D{{Key: "creditCode", Value: bson.D{{Key: "$type", Value: "string"}}}})
	}
	customerIdx := []mongo.IndexModel{
		{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetName(idxCode).SetUnique(true)},
		{Keys: bson.D{{Key: "creditCode", Value: 1}}, Options: credit},
	}
	// One index per sort order: the archive scope (an equality on null for
	// the common ACTIVE scope), then the sort key and the id, so a page is
	// an index range scan in either direction.
	for _, f := range crm.OrderFields() {
		customerIdx = append(customerIdx, mongo.IndexModel{
			Keys:    bson.D{{Key: "archivedAt", Value: 1}, {Key: f.StoragePath(), Value: 1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName(sortIndexName(f)),
		})
	}
	// Indexes for segment filters (internal/segment compiles them to find
	// filters): the archive scope, then a field staff filter on often.
	// Arrays (tags, interactions.at, deals.date) make multikey indexes that
	// $in, $all and $elemMatch ranges use; windowed figures ($expr) are
	// evaluated per document after the other conditions narrowed the scan.
	for _, path := range FilterIndexPaths {
		customerIdx = append(customerIdx, mongo.IndexModel{
			Keys:    bson.D{{Key: "archivedAt", Value: 1}, {Key: path, Value: 1}},
			Options: options.Index().SetName(filterIndexName(path)),
		})
	}
	// The text index (grams.go): the pieces of the texts and of the masked
	// texts (multikey), and the version, for the documents whose pieces
	// are not current (the backfill, and every prefilter's $or).
	// The masked pieces are on the few documents whose texts hold contact
	// details: a sparse index.
	for _, field := range storeOnly {
		customerIdx = append(customerIdx, mongo.IndexModel{
			Keys:    bson.D{{Key: field, Value: 1}},
			Options: options.Index().SetName("text" + field).SetSparse(field == fieldMGrams),
		})
	}
	customerIdx = append(customerIdx, matchIndexes...)
	expires := options.Index().SetName("ttl_expiresAt").SetExpireAfterSeconds(0)
	if opts.PlainExpiresAtIndex {
		expires = options.Index().SetName("expiresAt")
	}
	all := []struct {
		coll    *mongo.Collection
		indexes []mongo.IndexModel
	}{
		{s.customers, customerIdx},
		{s.users, []mongo.IndexModel{{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName(idxEmail).SetUnique(true)}}},
		{s.sessions, []mongo.IndexModel{
			{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("userId")},
			{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: expires},
		}},
		{s.segments, []mongo.IndexModel{
			{Keys: bson.D{{Key: "ownerId", Value: 1}, {Key: "nameKey", Value: 1}}, Options: options.Index().SetName(idxSegmentName).SetUnique(true)},
			{Keys: bson.D{{Key: "shared", Value: 1}}, Options: options.Index().SetName("shared")},
		}},
		{s.db.Collection(crm.CollectionAPITokens), []mongo.IndexModel{
			{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetName(idxAPITokenHash).SetUnique(true)},
		}},
		// Settings (settings.go) are read and written by _id alone.
		// Imports (imports.go): lists by user or of everyone's, newest
		// first, and DeleteBefore; undo chunks and result rows by import
		// and seq.
		{s.db.Collection(crm.CollectionImports), []mongo.IndexModel{
			{Keys: bson.D{{Key: "by", Value: 1}, {Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("imports_by_at")},
			{Keys: bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("imports_at")},
		}},
		{s.db.Collection(crm.CollectionImportUndo), []mongo.IndexModel{
			{Keys: bson.D{{Key: "import", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetName(idxImportSeq).SetUnique(true)},
		}},
		{s.db.Collection(crm.CollectionImportRows), []mongo.IndexModel{
			{Keys: bson.D{{Key: "import", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetName(idxImportSeq).SetUnique(true)},
		}},
		// Merges (merges.go): lists by customer or of every merge, newest
		// first, and DeleteBefore.
		{s.db.Collection(crm.CollectionMerges), mergeIndexes},
	}
	// One createIndexes command per index: identical existing indexes are
	// a no-op, and FerretDB v1 panics (closing the connection) when one
	// command names several indexes that already exist.
	for _, c := range all {
		for _, m := range c.indexes {
			if _, err := c.coll.Indexes().CreateOne(ctx, m); err != nil {
				var se mongo.ServerError
				if errors.As(err, &se) && se.HasErrorCode(codeNotImplemented) {
					return fmt.Errorf("%s: the server does not implement this index (FerretDB v1 lacks partial and TTL "+
						"indexes: see Options.PlainCreditCodeIndex and PlainExpiresAtIndex): %w", c.coll.Name(), err)
				}
				return fmt.Errorf("%s: %w", c.coll.Name(), err)
			}
		}
	}
	return s.dropObsoleteIndexes(ctx)
}

// obsoleteIndexes are customer indexes that earlier builds made and
// nothing reads now: list_name, since lists by name sort on the name's
// order key (match.order, crm.OrderKey), and those of the industry,
// source, province and city, which sort on their order keys too
// (match.industryOrder ...).
var obsoleteIndexes = []string{"list_name", "list_industry", "list_source", "list_region.province", "list_region.city"}

// codeIndexNotFound is the server error code for dropping an index that
// is not there.
const codeIndexNotFound = 27

// dropObsoleteIndexes drops the obsoleteIndexes a database still has: each
// costs a write on every insert and update.
func (s *Store) dropObsoleteIndexes(ctx context.Context) error {
	for _, name := range obsoleteIndexes {
		err := s.customers.Indexes().DropOne(ctx, name)
		var se mongo.ServerError
		if err != nil && !(errors.As(err, &se) && se.HasErrorCode(codeIndexNotFound)) {
			return fmt.Errorf("%s: drop obsolete index %s: %w", s.customers.Name(), name, err)
		}
	}
	return nil
}

// Customers returns the customer store.
func (s *Store) Customers() crm.CustomerStore { return customerStore{s} }

// Users returns the user store.
func (s *Store) Users() crm.UserStore { return userStore{s} }

// Sessions returns the session store.
func (s *Store) Sessions() crm.SessionStore { return sessionStore{s} }

// Segments returns the saved segment store.
func (s *Store) Segments() crm.SegmentStore { return segmentStore{s} }

// Ping checks that the primary answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return crm.Internal(fmt.Errorf("mongodb: ping: %w", err))
	}
	return nil
}

// Close stops the text index's backfill and disconnects, waiting at most 10
// seconds for operations in flight.
func (s *Store) Close() error {
	s.stopBackfill()
	<-s.backfillDone
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return fmt.Errorf("mongodb: disconnect: %w", err)
	}
	return nil
}

// Client exposes the driver client (for tests and administrative tools).
func (s *Store) Client() *mongo.Client { return s.client }

// Database exposes the database the store works in.
func (s *Store) Database() *mongo.Database { return s.db }

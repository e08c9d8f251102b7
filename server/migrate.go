package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongodb"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// migrateBatch is how many documents one Load call writes at most, and
// migrateBatchBytes about how many bytes (an import's undo chunks and
// chunks of result rows are up to 8 MB each, a merge up to 15 MB).
const (
	migrateBatch      = 500
	migrateBatchBytes = 64 << 20
)

// runMigrate copies every collection between the embedded store and
// MongoDB, then reads both back and compares every document.
//
//	server migrate [-data DIR] to-mongodb     (MONGODB_URI, KEHU_DB)
//	server migrate [-data DIR] to-embedded
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kehu migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", env("KEHU_DATA_DIR", "./data"), "data directory of the embedded store")
	uri := fs.String("uri", os.Getenv("MONGODB_URI"), "MongoDB URI (MONGODB_URI)")
	db := fs.String("db", env("KEHU_DB", "kehu"), "MongoDB database name (KEHU_DB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: server migrate [-data DIR] [-uri URI] [-db NAME] to-mongodb|to-embedded")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "to-mongodb" && fs.Arg(0) != "to-embedded") {
		fs.Usage()
		return errors.New("migrate needs a direction: to-mongodb or to-embedded")
	}
	if *uri == "" {
		return errors.New("migrate needs MONGODB_URI (or -uri)")
	}
	// The embedded store is created only as a destination.
	embedded, err := sqlite.Open(*dataDir, sqlite.Options{Existing: fs.Arg(0) == "to-mongodb"})
	if err != nil {
		return fmt.Errorf("cannot open the embedded store (stop the server first): %w", err)
	}
	defer embedded.Close()
	mongo, err := mongodb.Open(ctx, *uri, *db, mongodb.Options{})
	if err != nil {
		return err
	}
	defer mongo.Close()
	var src, dst crm.Store = embedded, mongo
	if fs.Arg(0) == "to-embedded" {
		src, dst = mongo, embedded
	}
	counts, err := migrate(ctx, src, dst)
	if err != nil {
		return err
	}
	for _, c := range crm.Collections() {
		fmt.Fprintf(stdout, "%-10s %7d documents copied and verified\n", c, counts[c])
	}
	return nil
}

// migrate copies every collection of src, which must be a Kehu store (it
// has users), into dst, which must hold no customers, users, saved
// segments, API tokens, settings, imports (nor their chunks) or merges
// yet, and verifies that dst then holds the same documents, byte for byte.
func migrate(ctx context.Context, src, dst crm.Store) (map[string]int, error) {
	users := 0
	if err := src.Dump(ctx, crm.CollectionUsers, func([]byte) error { users++; return errStop }); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if users == 0 {
		return nil, errors.New("the source holds no users, so it is not a Kehu store that was ever started: " +
			"check the source (-data, or -uri and -db)")
	}
	for _, c := range []string{crm.CollectionCustomers, crm.CollectionUsers, crm.CollectionSegments, crm.CollectionAPITokens,
		crm.CollectionSettings, crm.CollectionImports, crm.CollectionImportUndo, crm.CollectionImportRows, crm.CollectionMerges} {
		n := 0
		if err := dst.Dump(ctx, c, func([]byte) error { n++; return errStop }); err != nil && !errors.Is(err, errStop) {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("the destination already holds %s; migrate only into an empty database", c)
		}
	}
	counts := map[string]int{}
	for _, c := range crm.Collections() {
		var batch [][]byte
		size := 0
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			err := dst.Load(ctx, c, batch)
			batch, size = nil, 0
			return err
		}
		err := src.Dump(ctx, c, func(doc []byte) error {
			batch = append(batch, bytes.Clone(doc))
			size += len(doc)
			counts[c]++
			if len(batch) >= migrateBatch || size >= migrateBatchBytes {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return nil, fmt.Errorf("copying %s: %w", c, err)
		}
		if err := verify(ctx, src, dst, c); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

var errStop = errors.New("stop")

// verify compares the collection in both stores document by document,
// reading both dumps side by side (a collection may hold more than fits in
// memory: customers, undo data).
func verify(ctx context.Context, a, b crm.Store, coll string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	want := make(chan []byte, 16)
	srcErr := make(chan error, 1)
	go func() {
		defer close(want)
		srcErr <- a.Dump(ctx, coll, func(d []byte) error {
			select {
			case want <- bytes.Clone(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	i := 0
	errMore := fmt.Errorf("%s: the destination has more documents than the source", coll)
	err := b.Dump(ctx, coll, func(d []byte) error {
		w, ok := <-want
		if !ok {
			return errMore
		}
		if !bytes.Equal(w, d) {
			return fmt.Errorf("%s: document %d differs after copying", coll, i)
		}
		i++
		return nil
	})
	if err == nil {
		if _, ok := <-want; ok {
			err = fmt.Errorf("%s: only %d documents arrived, the source has more", coll, i)
		}
	}
	cancel() // the source's dump stops at its next document
	for range want {
	}
	// The source's own failure explains a short dump; a cancellation is
	// ours.
	if serr := <-srcErr; serr != nil && !errors.Is(serr, context.Canceled) && (err == nil || errors.Is(err, errMore)) {
		return serr
	}
	return err
}

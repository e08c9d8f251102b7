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

// migrateBatch is how many documents one Load call writes.
const migrateBatch = 500

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
// segments, API tokens or settings yet, and verifies that dst then holds
// the same documents, byte for byte.
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
		crm.CollectionSettings} {
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
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			err := dst.Load(ctx, c, batch)
			batch = nil
			return err
		}
		err := src.Dump(ctx, c, func(doc []byte) error {
			batch = append(batch, bytes.Clone(doc))
			counts[c]++
			if len(batch) >= migrateBatch {
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

// verify compares the collection in both stores document by document.
func verify(ctx context.Context, a, b crm.Store, coll string) error {
	var want [][]byte
	if err := a.Dump(ctx, coll, func(d []byte) error { want = append(want, bytes.Clone(d)); return nil }); err != nil {
		return err
	}
	i := 0
	err := b.Dump(ctx, coll, func(d []byte) error {
		if i >= len(want) {
			return fmt.Errorf("%s: the destination has more documents than the source", coll)
		}
		if !bytes.Equal(want[i], d) {
			return fmt.Errorf("%s: document %d differs after copying", coll, i)
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	if i != len(want) {
		return fmt.Errorf("%s: %d of %d documents arrived", coll, i, len(want))
	}
	return nil
}

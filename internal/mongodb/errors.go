package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// internal wraps an unexpected driver error with what the store was doing.
func internal(op string, err error) error {
	var ce *crm.Error
	if errors.As(err, &ce) {
		return err
	}
	return crm.Internal(fmt.Errorf("mongodb: %s: %w", op, err))
}

// isDuplicate reports a unique-index violation. MongoDB reports 11000 (and
// relatives); FerretDB v1 reports a violation caused by an update as code 1
// with SQLite's "UNIQUE constraint failed" message.
func isDuplicate(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorMessage("UNIQUE constraint failed")
}

// duplicateKey names the field of the unique index that err reports, from
// the keyPattern MongoDB sends with a write error or the index name in the
// message; "" when the error does not say (FerretDB does not).
func duplicateKey(err error, fields map[string]string) string {
	var docs []bson.Raw
	var msgs []string
	var we mongo.WriteException
	if errors.As(err, &we) {
		for _, e := range we.WriteErrors {
			docs = append(docs, e.Raw, e.Details)
			msgs = append(msgs, e.Message)
		}
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, e := range bwe.WriteErrors {
			docs = append(docs, e.Raw, e.Details)
			msgs = append(msgs, e.Message)
		}
	}
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		docs = append(docs, ce.Raw)
		msgs = append(msgs, ce.Message)
	}
	for _, d := range docs {
		if len(d) == 0 {
			continue
		}
		if kp, ok := d.Lookup("keyPattern").DocumentOK(); ok {
			if elems, err := kp.Elements(); err == nil && len(elems) > 0 {
				if f, ok := fields[elems[0].Key()]; ok {
					return f
				}
			}
		}
	}
	msgs = append(msgs, err.Error())
	for _, m := range msgs {
		for idx, f := range fields {
			if strings.HasPrefix(idx, "uniq_") && strings.Contains(m, idx) {
				return f
			}
		}
	}
	return ""
}

// taken reports whether a document other than id has key = value.
func taken(ctx context.Context, coll *mongo.Collection, key string, value any, id string) (bool, error) {
	n, err := coll.CountDocuments(ctx, bson.D{{Key: key, Value: value}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}},
		options.Count().SetLimit(1))
	return n > 0, err
}

// exists reports whether a document with the id exists.
func exists(ctx context.Context, coll *mongo.Collection, id string) (bool, error) {
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	}
	return false, err
}

// uniqueKey is one unique key of a document, checked in order when the
// server does not say which index a duplicate hit.
type uniqueKey struct {
	field string // API field name for crm.Duplicate
	path  string // document path
	value string // "" means absent: cannot collide
}

// duplicateError turns a duplicate-key error into CONFLICT on the field it
// concerns: from the error itself when it says (MongoDB), else by looking
// for the document that holds one of the keys (FerretDB).
func duplicateError(ctx context.Context, coll *mongo.Collection, kind, id string, err error, keys []uniqueKey) error {
	byIndex := map[string]string{"_id": "_id", "uniq__id": "_id"}
	for _, k := range keys {
		byIndex[k.path] = k.field
		byIndex["uniq_"+k.path] = k.field
	}
	field := duplicateKey(err, byIndex)
	if field == "" {
		for _, k := range keys {
			if k.value == "" {
				continue
			}
			ok, lerr := taken(ctx, coll, k.path, k.value, id)
			if lerr != nil {
				return internal("find duplicate key of "+kind, errors.Join(err, lerr))
			}
			if ok {
				field = k.field
				break
			}
		}
	}
	if field == "" || field == "_id" {
		return internal(kind+" "+id+" already exists", err)
	}
	return crm.Duplicate(field)
}

// decodeAll reads every document of cur into a new T; op names the read
// in errors (INTERNAL). It closes the cursor.
func decodeAll[T any](ctx context.Context, cur *mongo.Cursor, op string) ([]*T, error) {
	defer cur.Close(ctx)
	out := []*T{}
	for cur.Next(ctx) {
		v := new(T)
		if err := bson.Unmarshal(cur.Current, v); err != nil {
			return nil, internal("decode: "+op, err)
		}
		out = append(out, v)
	}
	if err := cur.Err(); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// segmentStore keeps saved segments in the segments collection; the unique
// index uniq_ownerId_nameKey keeps names unique per owner.
type segmentStore struct{ s *Store }

func (ss segmentStore) Insert(ctx context.Context, seg *crm.SavedSegment) error {
	doc, err := bson.Marshal(seg)
	if err != nil {
		return internal("encode segment", err)
	}
	if _, err := ss.s.segments.InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return ss.duplicate(ctx, seg, err)
		}
		return internal("insert segment", err)
	}
	return nil
}

func (ss segmentStore) Get(ctx context.Context, id string) (*crm.SavedSegment, error) {
	raw, err := ss.s.segments.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound("segment", id)
		}
		return nil, internal("get segment "+id, err)
	}
	seg := new(crm.SavedSegment)
	if err := bson.Unmarshal(raw, seg); err != nil {
		return nil, internal("decode segment "+id, err)
	}
	return seg, nil
}

func (ss segmentStore) Replace(ctx context.Context, seg *crm.SavedSegment, expectedVersion int64) error {
	doc, err := bson.Marshal(seg)
	if err != nil {
		return internal("encode segment", err)
	}
	res, err := ss.s.segments.ReplaceOne(ctx, bson.D{{Key: "_id", Value: seg.ID}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		if isDuplicate(err) {
			return ss.duplicate(ctx, seg, err)
		}
		return internal("replace segment "+seg.ID, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	return ss.missed(ctx, seg.ID)
}

func (ss segmentStore) Delete(ctx context.Context, id string, expectedVersion int64) error {
	res, err := ss.s.segments.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expectedVersion}})
	if err != nil {
		return internal("delete segment "+id, err)
	}
	if res.DeletedCount > 0 {
		return nil
	}
	return ss.missed(ctx, id)
}

// missed explains a versioned write that matched nothing: NOT_FOUND or
// CONFLICT.
func (ss segmentStore) missed(ctx context.Context, id string) error {
	ok, err := exists(ctx, ss.s.segments, id)
	if err != nil {
		return internal("segment "+id, err)
	}
	if !ok {
		return crm.NotFound("segment", id)
	}
	return crm.VersionConflict("segment")
}

// duplicate turns a duplicate-key error into CONFLICT on "name" when the
// owner holds another segment with the name key (MongoDB names the index;
// FerretDB does not, so look), else INTERNAL (a duplicate _id).
func (ss segmentStore) duplicate(ctx context.Context, seg *crm.SavedSegment, err error) error {
	field := duplicateKey(err, map[string]string{"ownerId": "name", idxSegmentName: "name", "_id": "_id"})
	if field == "" {
		n, cerr := ss.s.segments.CountDocuments(ctx, bson.D{{Key: "ownerId", Value: seg.OwnerID},
			{Key: "nameKey", Value: seg.NameKey}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: seg.ID}}}}, options.Count().SetLimit(1))
		if cerr != nil {
			return internal("find duplicate segment name", errors.Join(err, cerr))
		}
		if n > 0 {
			field = "name"
		}
	}
	if field != "name" {
		return internal("segment "+seg.ID+" already exists", err)
	}
	return crm.Duplicate("name")
}

// ListVisible returns userID's segments and the shared ones.
func (ss segmentStore) ListVisible(ctx context.Context, userID string) ([]*crm.SavedSegment, error) {
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "ownerId", Value: userID}},
		bson.D{{Key: "shared", Value: true}},
	}}}
	cur, err := ss.s.segments.Find(ctx, filter, options.Find().SetBatchSize(smallBatch))
	if err != nil {
		return nil, internal("list segments", err)
	}
	out, err := decodeAll[crm.SavedSegment](ctx, cur, "list segments")
	if err != nil {
		return nil, err
	}
	crm.SortSegments(out)
	return out, nil
}

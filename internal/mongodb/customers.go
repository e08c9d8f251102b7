package mongodb

import (
	"time"

	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

type customerStore struct{ s *Store }

func customerKeys(c *crm.Customer) []uniqueKey {
	return []uniqueKey{{"creditCode", "creditCode", c.CreditCode}, {"code", "code", c.Code}}
}

// Insert stores c; an empty c.Code is assigned from the period's sequence.
func (cs customerStore) Insert(ctx context.Context, c *crm.Customer, period string) error {
	assigned := false
	if c.Code == "" {
		n, err := cs.s.nextSequence(ctx, "customer:"+period)
		if err != nil {
			return internal("next customer code", err)
		}
		c.Code = crm.FormatCode(period, n)
		assigned = true
	}
	err := cs.insert(ctx, c)
	if err != nil && assigned {
		// The number stays used (codes are never reused), but the caller's
		// customer is back as it was, so a retry draws a new code.
		c.Code = ""
	}
	if err == nil && !assigned {
		err = cs.s.raiseSequence(ctx, c.Code)
	}
	return err
}

// raiseSequence lifts the sequence of a preset code's period to at least
// its number, so generated codes never collide with imported ones.
func (s *Store) raiseSequence(ctx context.Context, code string) error {
	period, n, ok := crm.ParseCode(code)
	if !ok {
		return nil
	}
	return s.raisePeriod(ctx, period, n)
}

// raisePeriod lifts period's sequence to at least n.
func (s *Store) raisePeriod(ctx context.Context, period string, n int64) error {
	_, err := s.sequences.UpdateOne(ctx, bson.D{{Key: "_id", Value: "customer:" + period}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "value", Value: n}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !isDuplicate(err) {
		return internal("raise customer code sequence", err)
	}
	return nil
}

func (cs customerStore) insert(ctx context.Context, c *crm.Customer) error {
	doc, err := bson.Marshal(c)
	if err != nil {
		return internal("encode customer", err)
	}
	if len(doc) > crm.MaxDocumentBytes {
		return crm.DocumentTooLarge(c.Code, len(doc))
	}
	doc = appendGrams(doc, c.Interactions)
	if _, err := cs.s.customers.InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return duplicateError(ctx, cs.s.customers, "customer", c.ID, err, customerKeys(c))
		}
		return internal("insert customer", err)
	}
	return nil
}

// nextSequence increments the counter named key and returns its new value.
func (s *Store) nextSequence(ctx context.Context, key string) (int64, error) {
	return s.drawSequence(ctx, key, 1)
}

// drawSequence adds k to the counter named key and returns its new value:
// the last of the k numbers drawn.
func (s *Store) drawSequence(ctx context.Context, key string, k int64) (int64, error) {
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	var err error
	// Two first upserts of one key can race to insert it: the loser gets a
	// duplicate key on _id and simply tries again (the document exists now).
	for range 5 {
		var seq struct {
			Value int64 `bson:"value"`
		}
		err = s.sequences.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "value", Value: k}}}}, opts).Decode(&seq)
		if err == nil {
			return seq.Value, nil
		}
		if !isDuplicate(err) {
			break
		}
	}
	return 0, err
}

// InsertMany inserts the batch with one unordered insertMany after drawing
// its codes: the preset codes raise their periods' sequences first (one
// $max a period), then one $inc draws the numbers of the customers without
// a code, in order. A write error is the error of its document's customer,
// a duplicate key mapped to CONFLICT as Insert maps it (an ID already
// stored is INTERNAL there). Without a transaction the batch is not
// atomic: the numbers drawn for customers left out stay used (as Insert's
// do), and a failure part way (a lost connection) can leave some inserted.
func (cs customerStore) InsertMany(ctx context.Context, customers []*crm.Customer, period string) ([]error, error) {
	drawn := 0                // customers without a code
	top := map[string]int64{} // the highest preset number of each period
	ids := make(map[string]bool, len(customers))
	for i, c := range customers {
		if c == nil {
			return nil, internal("InsertMany", fmt.Errorf("customer %d is nil", i))
		}
		if c.ID != "" && ids[c.ID] {
			return nil, internal("InsertMany", fmt.Errorf("customer %s twice", c.ID))
		}
		ids[c.ID] = true
		if c.Code == "" {
			drawn++
		} else if p, n, ok := crm.ParseCode(c.Code); ok {
			top[p] = max(top[p], n)
		}
	}
	if _, _, ok := crm.ParseCode("C" + period + "000"); drawn > 0 && (len(period) != 6 || !ok) {
		return nil, internal("InsertMany", fmt.Errorf("invalid code period %q", period))
	}
	for p, n := range top {
		if err := cs.s.raisePeriod(ctx, p, n); err != nil {
			return nil, err
		}
	}
	var next int64 // the number of the next customer without a code
	if drawn > 0 {
		last, err := cs.s.drawSequence(ctx, "customer:"+period, int64(drawn))
		if err != nil {
			return nil, internal("next customer codes", err)
		}
		next = last - int64(drawn) + 1
	}

	givenCodes, restore := crm.KeepIdentities(customers)
	fail := func(err error) ([]error, error) {
		for i := range customers {
			restore(i)
		}
		return nil, err
	}
	errs := make([]error, len(customers))
	var docs []any
	var index []int // index[k] is the customer of docs[k]
	var keys crm.BatchKeys
	for i, c := range customers {
		conflict := keys.Conflict(c.CreditCode, c.Code)
		if c.Code == "" {
			c.Code = crm.FormatCode(period, next)
			next++
		}
		if conflict != nil {
			errs[i] = conflict
			continue
		}
		if c.ID == "" {
			c.ID = crm.NewID()
		}
		c.Version = 1
		doc, err := bson.Marshal(c)
		if err != nil {
			return fail(internal("encode customer", err))
		}
		if len(doc) > crm.MaxDocumentBytes {
			errs[i] = crm.DocumentTooLarge(cmp.Or(givenCodes[i], c.Name), len(doc))
			continue
		}
		keys.Claim(c.CreditCode, givenCodes[i])
		docs = append(docs, bson.Raw(appendGrams(doc, c.Interactions)))
		index = append(index, i)
	}
	if len(docs) > 0 {
		_, err := cs.s.customers.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		if err != nil && (!errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0) {
			return fail(internal("insert customers", err))
		}
		for _, we := range bwe.WriteErrors {
			if we.Index < 0 || we.Index >= len(index) {
				return fail(internal("insert customers", fmt.Errorf("write error of document %d of %d: %w", we.Index, len(index), err)))
			}
			i := index[we.Index]
			c := customers[i]
			one := mongo.WriteException{WriteErrors: []mongo.WriteError{we.WriteError}}
			if isDuplicate(one) {
				errs[i] = duplicateError(ctx, cs.s.customers, "customer", c.ID, one, customerKeys(c))
			} else {
				errs[i] = internal("insert customer "+c.ID, one)
			}
		}
	}
	for i, err := range errs {
		if err != nil {
			restore(i)
		}
	}
	return errs, nil
}

func (cs customerStore) Get(ctx context.Context, id string) (*crm.Customer, error) {
	return cs.findOne(ctx, bson.D{{Key: "_id", Value: id}}, id)
}

func (cs customerStore) GetByCode(ctx context.Context, code string) (*crm.Customer, error) {
	return cs.findOne(ctx, bson.D{{Key: "code", Value: code}}, code)
}

func (cs customerStore) findOne(ctx context.Context, filter bson.D, key string) (*crm.Customer, error) {
	raw, err := cs.s.customers.FindOne(ctx, filter, options.FindOne().SetProjection(withoutStoreFields)).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound("customer", key)
		}
		return nil, internal("get customer "+key, err)
	}
	c := new(crm.Customer)
	if err := bson.Unmarshal(raw, c); err != nil {
		return nil, internal("decode customer "+key, err)
	}
	return c, nil
}

func (cs customerStore) GetMany(ctx context.Context, ids []string) ([]*crm.Customer, error) {
	raws, err := getMany(ctx, cs.s.customers, ids, fullBatch)
	if err != nil {
		return nil, internal("get customers", err)
	}
	out := make([]*crm.Customer, 0, len(raws))
	for _, id := range ids {
		raw, ok := raws[id]
		if !ok {
			continue
		}
		c := new(crm.Customer)
		if err := bson.Unmarshal(raw, c); err != nil {
			return nil, internal("decode customer "+id, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// getMany fetches the documents of ids (one $in query) keyed by _id,
// without the store's own fields.
func getMany(ctx context.Context, coll *mongo.Collection, ids []string, batch int32) (map[string]bson.Raw, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	seen := make(map[string]bool, len(ids))
	uniq := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: uniq}}}},
		options.Find().SetBatchSize(batch).SetProjection(withoutStoreFields))
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	out := make(map[string]bson.Raw, len(uniq))
	for cur.Next(ctx) {
		id, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok {
			continue
		}
		out[id] = append(bson.Raw(nil), cur.Current...)
	}
	return out, cur.Err()
}

func (cs customerStore) Replace(ctx context.Context, c *crm.Customer, expectedVersion int64) error {
	doc, err := bson.Marshal(c)
	if err != nil {
		return internal("encode customer", err)
	}
	if len(doc) > crm.MaxDocumentBytes {
		return crm.DocumentTooLarge(c.Code, len(doc))
	}
	doc = appendGrams(doc, c.Interactions)
	return replace(ctx, cs.s.customers, "customer", c.ID, doc, expectedVersion, customerKeys(c))
}

// ReplaceMany replaces each customer still at its expected version, one
// replace at a time (MongoDB has no group commit to gain from a batch, and
// a bulk write does not say which replaces matched), and reports the
// indexes of the others (changed or deleted meanwhile), unwritten.
func (cs customerStore) ReplaceMany(ctx context.Context, customers []*crm.Customer, expected []int64) ([]int, error) {
	if len(customers) != len(expected) {
		return nil, internal("ReplaceMany", errors.New("as many versions as customers needed"))
	}
	var conflicts []int
	for i, c := range customers {
		switch err := cs.Replace(ctx, c, expected[i]); {
		case crm.IsVersionConflict(err) || crm.IsCode(err, crm.CodeNotFound):
			conflicts = append(conflicts, i)
		case err != nil:
			return nil, err
		}
	}
	return conflicts, nil
}

// DeleteMany deletes the customers still at their expected versions: one
// read of the ids' versions, one unordered bulk write of a DeleteOne
// {_id, version} per customer found at its version, and, when fewer were
// deleted, one read of those left (changed between the read and the
// delete). Without a transaction it is not atomic: readers can see part of
// the batch deleted, a failure part way (a lost connection) can leave some
// deleted, and a customer another writer deletes between the read and the
// delete counts as deleted here. The grams go with their documents.
func (cs customerStore) DeleteMany(ctx context.Context, ids []string, expected []int64) (changed, gone []int, err error) {
	if len(ids) != len(expected) {
		return nil, nil, internal("DeleteMany", fmt.Errorf("%d ids, %d versions", len(ids), len(expected)))
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return nil, nil, internal("DeleteMany", fmt.Errorf("customer %s twice", id))
		}
		seen[id] = true
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	stored, err := cs.versions(ctx, ids)
	if err != nil {
		return nil, nil, internal("delete customers", err)
	}
	var models []mongo.WriteModel
	var tried []int // the index of each model's customer
	for i, id := range ids {
		switch v, ok := stored[id]; {
		case !ok:
			gone = append(gone, i)
		case v != expected[i]:
			changed = append(changed, i)
		default:
			models = append(models, mongo.NewDeleteOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected[i]}}))
			tried = append(tried, i)
		}
	}
	if len(models) == 0 {
		return changed, gone, nil
	}
	res, err := cs.s.customers.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return nil, nil, internal("delete customers", err)
	}
	if int(res.DeletedCount) == len(tried) {
		return changed, gone, nil
	}
	left := make([]string, len(tried))
	for k, i := range tried {
		left[k] = ids[i]
	}
	if stored, err = cs.versions(ctx, left); err != nil {
		return nil, nil, internal("delete customers", err)
	}
	for _, i := range tried {
		if _, ok := stored[ids[i]]; ok {
			changed = append(changed, i)
		}
	}
	slices.Sort(changed)
	return changed, gone, nil
}

// versions reads the stored versions of the customers of ids that exist.
func (cs customerStore) versions(ctx context.Context, ids []string) (map[string]int64, error) {
	cur, err := cs.s.customers.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetBatchSize(smallBatch).SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	out := make(map[string]int64, len(ids))
	for cur.Next(ctx) {
		var d struct {
			ID      string `bson:"_id"`
			Version int64  `bson:"version"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, err
		}
		out[d.ID] = d.Version
	}
	return out, cur.Err()
}

// CustomersWithTasks finds the active customers with a task of q's status
// and assignee (the index on tasks.assigneeId, when one is given), as a
// list reads them.
func (cs customerStore) CustomersWithTasks(ctx context.Context, q crm.TaskQuery, fn func(*crm.Customer) error) error {
	status := q.TaskStatus()
	if !status.Valid() {
		return crm.Errorf(crm.CodeBadUserInput, "unknown task status %q", status)
	}
	conds := bson.A{bson.D{{Key: "tasks.status", Value: string(status)}}}
	if q.Assignee != "" {
		conds = append(conds, bson.D{{Key: "tasks.assigneeId", Value: q.Assignee}})
	}
	return cs.openWork(ctx, "tasks", conds, func(c *crm.Customer) bool {
		return slices.ContainsFunc(c.Tasks, func(t crm.Task) bool { return q.Picks(t.Status, t.AssigneeID) })
	}, fn)
}

// OpenServiceRequests finds the active customers with a service request
// that is not closed, of the assignee when set (an index on
// serviceRequests.status), as a list reads them.
func (cs customerStore) OpenServiceRequests(ctx context.Context, q crm.ServiceQuery, fn func(*crm.Customer) error) error {
	var unclosed []string
	for _, st := range crm.ServiceStatuses() {
		if st != crm.ServiceClosed {
			unclosed = append(unclosed, string(st))
		}
	}
	conds := bson.A{bson.D{{Key: "serviceRequests.status", Value: bson.D{{Key: "$in", Value: unclosed}}}}}
	if q.Assignee != "" {
		conds = append(conds, bson.D{{Key: "serviceRequests.assigneeId", Value: q.Assignee}})
	}
	return cs.openWork(ctx, "service requests", conds, func(c *crm.Customer) bool {
		return slices.ContainsFunc(c.ServiceRequests, func(r crm.ServiceRequest) bool {
			return !r.Closed() && (q.Assignee == "" || r.AssigneeID == q.Assignee)
		})
	}, fn)
}

// openWork hands fn the active customers that conds select and keep
// accepts, as a list reads them. conds test elements of an array with
// dotted paths, not $elemMatch: FerretDB v1 answers {$elemMatch: {status:
// "DONE"}} with nothing and refuses two conditions in it ("unknown
// operator: status"), measured on v1.24. The dotted paths select a
// superset, which keep narrows to the customers with such an element.
func (cs customerStore) openWork(ctx context.Context, what string, conds bson.A, keep func(*crm.Customer) bool, fn func(*crm.Customer) error) error {
	scope, err := scopeConds(crm.ScopeActive)
	if err != nil {
		return err
	}
	cur, err := cs.s.customers.Find(ctx, and(append(scope, conds...)), options.Find().SetBatchSize(fullBatch).SetProjection(listProjection))
	if err != nil {
		return internal("read "+what, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		c := new(crm.Customer)
		if err := bson.Unmarshal(cur.Current, c); err != nil {
			return internal("decode customer", err)
		}
		c.Partial = true
		if !keep(c) {
			continue
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return internal("read "+what, err)
	}
	return nil
}

// SetNextChecks sets class.nextCheckAt of the customers still at their
// version, in one unordered bulk write.
func (cs customerStore) SetNextChecks(ctx context.Context, checks []crm.NextCheck) (int, error) {
	if len(checks) == 0 {
		return 0, nil
	}
	models := make([]mongo.WriteModel, 0, len(checks))
	for _, ch := range checks {
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: ch.ID}, {Key: "version", Value: ch.Version}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "class.nextCheckAt", Value: ch.At.UTC().Truncate(time.Millisecond)}}}}))
	}
	res, err := cs.s.customers.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return 0, internal("set next checks", err)
	}
	return int(res.MatchedCount), nil
}

// replace is the versioned write shared by customers and users.
func replace(ctx context.Context, coll *mongo.Collection, kind, id string, doc []byte, expectedVersion int64, keys []uniqueKey) error {
	res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		if isDuplicate(err) {
			return duplicateError(ctx, coll, kind, id, err, keys)
		}
		return internal("replace "+kind+" "+id, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	ok, err := exists(ctx, coll, id)
	if err != nil {
		return internal("replace "+kind+" "+id, err)
	}
	if !ok {
		return crm.NotFound(kind, id)
	}
	return crm.VersionConflict(kind)
}

// listProjection leaves out what a list row does not show: the nested
// arrays and the notes (and the store's own fields).
var listProjection = append(slices.Clone(withoutStoreFields), bson.D{
	{Key: "contacts", Value: 0},
	{Key: "interactions", Value: 0},
	{Key: "needs", Value: 0},
	{Key: "deals", Value: 0},
	{Key: "satisfaction", Value: 0},
	{Key: "stageHistory", Value: 0},
	{Key: "tierHistory", Value: 0},
	{Key: "ownerHistory", Value: 0},
	{Key: "lifecycleHistory", Value: 0},
	{Key: "tagHistory", Value: 0},
	{Key: "notes", Value: 0},
}...)

// contactsProjection is listProjection keeping the contacts and notes
// (ListQuery.WithContacts).
var contactsProjection = append(slices.Clone(withoutStoreFields), bson.D{
	{Key: "interactions", Value: 0},
	{Key: "needs", Value: 0},
	{Key: "deals", Value: 0},
	{Key: "satisfaction", Value: 0},
	{Key: "stageHistory", Value: 0},
	{Key: "tierHistory", Value: 0},
	{Key: "ownerHistory", Value: 0},
	{Key: "lifecycleHistory", Value: 0},
	{Key: "tagHistory", Value: 0},
}...)

func (cs customerStore) List(ctx context.Context, q crm.ListQuery) (*crm.Page, error) {
	if q.First <= 0 {
		return nil, crm.Errorf(crm.CodeBadUserInput, "first must be positive")
	}
	order := q.OrderBy
	if order == "" {
		order = crm.OrderCode
	}
	if !order.Valid() {
		return nil, crm.Errorf(crm.CodeBadUserInput, "unknown order %q", string(order))
	}
	path := order.StoragePath()

	conds, err := scopeConds(q.Scope)
	if err != nil {
		return nil, err
	}
	if q.Search != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(q.Search), Options: "i"}
		conds = append(conds, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "name", Value: re}},
			bson.D{{Key: "code", Value: re}},
			bson.D{{Key: "contacts.name", Value: re}},
		}}})
	}
	if q.Filter != nil {
		f, err := cs.filterFor(ctx, q.Filter, q.Viewer, and(conds))
		if err != nil {
			return nil, err
		}
		conds = append(conds, f)
	}
	countFilter := and(conds)

	if q.After != nil {
		v := q.After.Value
		if want := reflect.TypeOf((&crm.Customer{}).SortValue(order)); reflect.TypeOf(v) != want {
			return nil, crm.Errorf(crm.CodeBadUserInput, "invalid cursor for order %s", string(order))
		}
		// path >= v AND (path > v OR _id > id): the same rows as
		// path > v OR (path = v AND _id > id), in a form whose first part
		// bounds the index scan.
		cmp, cmpEq := "$gt", "$gte"
		if q.Desc {
			cmp, cmpEq = "$lt", "$lte"
		}
		if order.Optional() {
			conds = append(conds, afterOptional(path, v.(string), q.After.ID, q.Desc))
		} else {
			conds = append(conds,
				bson.D{{Key: path, Value: bson.D{{Key: cmpEq, Value: v}}}},
				bson.D{{Key: "$or", Value: bson.A{
					bson.D{{Key: path, Value: bson.D{{Key: cmp, Value: v}}}},
					bson.D{{Key: "_id", Value: bson.D{{Key: cmp, Value: q.After.ID}}}},
				}}},
			)
		}
	}
	dir := 1
	if q.Desc {
		dir = -1
	}
	limit := int64(q.First) + 1
	fo := options.Find().
		SetSort(bson.D{{Key: path, Value: dir}, {Key: "_id", Value: dir}}).
		SetLimit(limit).
		SetBatchSize(int32(min(limit, smallBatch)))
	switch {
	case !q.Full && q.WithContacts:
		fo.SetProjection(contactsProjection)
	case !q.Full:
		fo.SetProjection(listProjection)
	default:
		fo.SetBatchSize(int32(min(limit, fullBatch))).SetProjection(withoutStoreFields)
	}
	cur, err := cs.s.customers.Find(ctx, and(conds), fo)
	if err != nil {
		return nil, internal("list customers", err)
	}
	defer cur.Close(ctx)
	page := &crm.Page{Total: -1}
	for cur.Next(ctx) {
		c := new(crm.Customer)
		if err := bson.Unmarshal(cur.Current, c); err != nil {
			return nil, internal("decode customer", err)
		}
		c.Partial = !q.Full
		c.ContactsLoaded = !q.Full && q.WithContacts
		page.Customers = append(page.Customers, c)
	}
	if err := cur.Err(); err != nil {
		return nil, internal("list customers", err)
	}
	if len(page.Customers) > q.First {
		page.Customers = page.Customers[:q.First]
		page.HasNext = true
	}
	if q.WithTotal {
		n, err := cs.s.customers.CountDocuments(ctx, countFilter)
		if err != nil {
			return nil, internal("count customers", err)
		}
		page.Total = int(n)
	}
	return page, nil
}

// afterOptional is the keyset condition for a text left out of the
// document when empty (crm.OrderField.Optional): MongoDB sorts the missing
// field before every string, as Go sorts "" first, but a comparison with a
// string never matches a missing field, so the empty value is spelled out.
func afterOptional(path, v, id string, desc bool) bson.D {
	missing := bson.D{{Key: path, Value: nil}}
	sameAfter := func(same bson.D) bson.D {
		op := "$gt"
		if desc {
			op = "$lt"
		}
		return bson.D{{Key: "$and", Value: bson.A{same, bson.D{{Key: "_id", Value: bson.D{{Key: op, Value: id}}}}}}}
	}
	switch {
	case !desc && v == "": // the rest of the empty ones, then every text
		return bson.D{{Key: "$or", Value: bson.A{sameAfter(missing), bson.D{{Key: path, Value: bson.D{{Key: "$gt", Value: ""}}}}}}}
	case !desc: // texts after v
		return bson.D{{Key: "$or", Value: bson.A{sameAfter(bson.D{{Key: path, Value: v}}), bson.D{{Key: path, Value: bson.D{{Key: "$gt", Value: v}}}}}}}
	case v == "": // descending, only the rest of the empty ones
		return sameAfter(missing)
	}
	// descending from a text: smaller texts, then the empty ones
	return bson.D{{Key: "$or", Value: bson.A{sameAfter(bson.D{{Key: path, Value: v}}),
		bson.D{{Key: path, Value: bson.D{{Key: "$lt", Value: v}}}}, missing}}}
}

// and combines conditions; no condition matches everything.
func and(conds bson.A) bson.D {
	switch len(conds) {
	case 0:
		return bson.D{}
	case 1:
		return conds[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: conds}}
}

// Estimate returns the collection's estimated document count (metadata,
// no scan).
func (cs customerStore) Estimate(ctx context.Context) (int, error) {
	n, err := cs.s.customers.EstimatedDocumentCount(ctx)
	if err != nil {
		return 0, internal("estimate customers", err)
	}
	return int(n), nil
}

// scopeConds starts a query's conditions with the archive scope's (none
// for ALL).
func scopeConds(scope crm.ArchiveScope) (bson.A, error) {
	c, err := archiveCond(scope)
	if err != nil || len(c) == 0 {
		return nil, err
	}
	return bson.A{c}, nil
}

// Each streams the whole documents of q's customers: the scope and the
// filter are one query, as for List (a filter a viewer reads masked is
// evaluated in the process, see filterFor).
func (cs customerStore) Each(ctx context.Context, q crm.EachQuery, fn func(*crm.Customer) error) error {
	conds, err := scopeConds(q.Scope)
	if err != nil {
		return err
	}
	if !q.DueBy.IsZero() {
		conds = append(conds, bson.D{{Key: "class.nextCheckAt", Value: bson.D{{Key: "$gt", Value: time.Time{}}, {Key: "$lte", Value: q.DueBy}}}})
	}
	if q.Filter != nil {
		f, err := cs.filterFor(ctx, q.Filter, q.Viewer, and(conds))
		if err != nil {
			return err
		}
		conds = append(conds, f)
	}
	cur, err := cs.s.customers.Find(ctx, and(conds), options.Find().SetBatchSize(fullBatch).SetProjection(withoutStoreFields))
	if err != nil {
		return internal("read customers", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		c := new(crm.Customer)
		if err := bson.Unmarshal(cur.Current, c); err != nil {
			return internal("decode customer", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return internal("read customers", err)
	}
	return nil
}

// Counts counts each filter's customers in one aggregation: a $match on the
// scope, then one $facet branch per filter ({$match}, {$count}), so the
// server reads the scope's documents once. A server without $facet (code
// 238, NotImplemented: FerretDB) gets one count per filter instead. The
// free-text filters a viewer reads masked are counted in one pass over the
// scope's documents in the process.
func (cs customerStore) Counts(ctx context.Context, filters []crm.Filter, q crm.CountQuery) ([]int, error) {
	scope, err := archiveCond(q.Scope)
	if err != nil {
		return nil, err
	}
	// Filters a viewer reads masked on some customers are counted here in
	// one pass over the scope's documents (see filterFor), the others by
	// the server.
	counts := make([]int, len(filters))
	inProcess := map[int]crm.Filter{}
	var candidates bson.A // the union of their prefilters; nil when one has none
	for i, f := range filters {
		if f == nil {
			continue
		}
		if vf := crm.ForViewer(f, q.Viewer); vf != f {
			pre := textPrefilter(vf, true)
			if pre == nil || (len(inProcess) > 0 && candidates == nil) {
				candidates = nil
			} else {
				candidates = append(candidates, pre)
			}
			inProcess[i] = vf
		}
	}
	if len(inProcess) > 0 {
		read := scope
		if candidates != nil {
			read = and(bson.A{scope, bson.D{{Key: "$or", Value: candidates}}})
		}
		cur, err := cs.s.customers.Find(ctx, read, options.Find().SetBatchSize(smallBatch).SetProjection(withoutStoreFields))
		if err != nil {
			return nil, internal("count customers", err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			c := new(crm.Customer)
			if err := bson.Unmarshal(cur.Current, c); err != nil {
				return nil, internal("decode customer", err)
			}
			for i, vf := range inProcess {
				if vf.Match(c) {
					counts[i]++
				}
			}
		}
		if err := cur.Err(); err != nil {
			return nil, internal("count customers", err)
		}
	}
	conds := make([]any, len(filters))
	facets := bson.D{}
	for i, f := range filters {
		conds[i] = bson.D{}
		if _, done := inProcess[i]; done {
			continue
		}
		if f != nil {
			m, err := mongoFilter(f)
			if err != nil {
				return nil, err
			}
			conds[i] = m
		}
		facets = append(facets, bson.E{Key: facetKey(i), Value: bson.A{
			bson.D{{Key: "$match", Value: conds[i]}},
			bson.D{{Key: "$count", Value: "n"}},
		}})
	}
	if len(facets) == 0 {
		return counts, nil
	}
	pipeline := bson.A{
		bson.D{{Key: "$match", Value: scope}},
		bson.D{{Key: "$facet", Value: facets}},
	}
	cur, err := cs.s.customers.Aggregate(ctx, pipeline)
	if err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == 238 {
			for i, c := range conds {
				if _, done := inProcess[i]; done {
					continue
				}
				n, err := cs.s.customers.CountDocuments(ctx, and(bson.A{scope, c}))
				if err != nil {
					return nil, internal("count customers", err)
				}
				counts[i] = int(n)
			}
			return counts, nil
		}
		return nil, internal("count segments", err)
	}
	defer cur.Close(ctx)
	var out []map[string][]struct {
		N int64 `bson:"n"`
	}
	if err := cur.All(ctx, &out); err != nil {
		return nil, internal("count segments", err)
	}
	if len(out) == 1 {
		for i := range filters {
			if r := out[0][facetKey(i)]; len(r) == 1 {
				counts[i] = int(r[0].N)
			}
		}
	}
	return counts, nil
}

func facetKey(i int) string { return "f" + strconv.Itoa(i) }

// mongoFilter compiles f to MQL, with the text index's prefilter (see
// grams.go) when f must find some text.
func mongoFilter(f crm.Filter) (any, error) {
	m, err := f.Mongo()
	if err != nil {
		return nil, err
	}
	if pre := textPrefilter(f, false); pre != nil {
		return bson.D{{Key: "$and", Value: bson.A{pre, m}}}, nil
	}
	return m, nil
}

// filterFor compiles f for the viewer v within the documents of scope. A
// filter on free text that v must read masked on some customers
// (crm.ForViewer) cannot be written in MQL: it is evaluated here on the
// documents of scope that the text index leaves as candidates (every one
// when the filter must find no text; fetched in batches, only the ids are
// kept) and becomes {_id: {$in: ids}}.
func (cs customerStore) filterFor(ctx context.Context, f crm.Filter, v *crm.Actor, scope bson.D) (any, error) {
	vf := crm.ForViewer(f, v)
	if vf == f {
		return mongoFilter(f)
	}
	read := scope
	if pre := textPrefilter(vf, true); pre != nil {
		read = and(bson.A{scope, pre})
	}
	cur, err := cs.s.customers.Find(ctx, read, options.Find().SetBatchSize(smallBatch).SetProjection(withoutStoreFields))
	if err != nil {
		return nil, internal("filter customers", err)
	}
	defer cur.Close(ctx)
	ids := bson.A{}
	for cur.Next(ctx) {
		c := new(crm.Customer)
		if err := bson.Unmarshal(cur.Current, c); err != nil {
			return nil, internal("decode customer", err)
		}
		if vf.Match(c) {
			ids = append(ids, c.ID)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, internal("filter customers", err)
	}
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil
}

package sqlite

import (
	"encoding/binary"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The read model's crm.Brief is read from a stored document by walking its
// bytes rather than by a reflective decode: customers hold dozens of
// interactions, and decoding them by reflection (with a string allocated
// per field) made the start-up load several times slower. The walker reads
// exactly what a decode into crm.Customer followed by crm.BriefOf gives (a
// fuzz test compares the two): absent and null fields are zero values, null
// pointers absent. It fails on a value of an unexpected type or one a brief
// cannot represent; the read model then keeps no brief for the customer and
// filters read its document.

// strCache shares the strings a walker reads (enum values, user ids,
// titles repeat across customers), so that most fields cost a map lookup
// and no allocation. It is owned by one goroutine.
type strCache map[string]string

func (c strCache) of(b []byte) string {
	if s, ok := c[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	if len(b) <= maxInterned && len(c) < 1<<16 {
		c[s] = s
	}
	return s
}

// walker reads one document's nested arrays.
type walker struct {
	strs  strCache
	ok    bool
	lists []*[]string // the customer's participant lists (see people)
}

// readBrief walks a stored customer document into its brief, or nil (see
// above).
func readBrief(doc []byte, strs strCache) *crm.Brief {
	w := walker{strs: strs, ok: true}
	b := &crm.Brief{}
	d := bsoncore.Document(doc)
	if body, n := w.array(d, "contacts"); n > 0 {
		b.Contacts = make([]crm.BriefContact, 0, n)
		w.each(body, func(e []byte) {
			var x crm.BriefContact
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "name":
					x.Name = w.str(v)
				case "title":
					x.Title = w.str(v)
				case "role":
					x.Role = crm.ContactRole(w.str(v))
				case "primary":
					x.Primary = w.boolean(v)
				}
			})
			b.Contacts = append(b.Contacts, x)
		})
	}
	if body, n := w.array(d, "interactions"); n > 0 {
		b.Interactions = make([]crm.BriefInteraction, 0, n)
		w.each(body, func(e []byte) {
			at := zeroMs
			var ch, ev, by string
			var dur, recorded, nextDue int64
			var hasRecorded, hasNext, nextDone bool
			var people []string
			var texts [4]bool // crm.InteractionTexts not empty, by code
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "at":
					at, _ = w.time(v)
				case "durationMin":
					dur, _ = w.int(v)
				case "participants":
					people = w.strings(v)
				case "recordedAt":
					recorded, hasRecorded = w.time(v)
				case "nextAction":
					hasNext, nextDone, nextDue = w.nextAction(v)
				case "channel":
					ch = w.str(v)
				case "keyEvent":
					ev = w.str(v)
				case "createdBy":
					by = w.str(v)
				default:
					for _, t := range crm.InteractionTexts {
						if string(k) == t.Name {
							texts[t.Code] = w.nonEmpty(v)
						}
					}
				}
			})
			x, ok := crm.BriefOfInteraction(time.UnixMilli(at), crm.InteractionChannel(ch), crm.KeyEvent(ev), by)
			w.ok = w.ok && ok
			for code, set := range texts {
				if set {
					x = x.WithText(code)
				}
			}
			x, ok = x.WithDuration(dur)
			w.ok = w.ok && ok
			x = x.WithParticipants(w.people(people))
			x = x.WithNextAction(hasNext, nextDone, nextDue)
			x = x.WithRecordedAt(recorded, hasRecorded)
			b.Interactions = append(b.Interactions, x)
		})
	}
	if body, n := w.array(d, "needs"); n > 0 {
		b.Needs = make([]crm.BriefNeed, 0, n)
		w.each(body, func(e []byte) {
			x := crm.BriefNeed{OpenedAt: zeroMs}
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "title":
					x.Title = w.str(v)
				case "kind":
					x.Kind = crm.NeedKind(w.str(v))
				case "type":
					x.Type = crm.NeedType(w.str(v))
				case "priority":
					x.Priority = crm.Priority(w.str(v))
				case "status":
					x.Status = crm.NeedStatus(w.str(v))
				case "urgent":
					x.Urgent = w.boolean(v)
				case "important":
					x.Important = w.boolean(v)
				case "openedAt":
					x.OpenedAt, _ = w.time(v)
				case "resolvedAt":
					x.ResolvedAt, x.HasResolved = w.time(v)
				case "expectedOn":
					x.ExpectedOn, x.HasExpected = w.time(v)
				case "budgetMax":
					var m int64
					m, x.HasBudget = w.int(v)
					x.BudgetMax = crm.Money(m)
				}
			})
			if !x.HasResolved {
				x.ResolvedAt = 0
			}
			if !x.HasExpected {
				x.ExpectedOn = 0
			}
			b.Needs = append(b.Needs, x)
		})
	}
	if body, n := w.array(d, "deals"); n > 0 {
		b.Deals = make([]crm.BriefDeal, 0, n)
		w.each(body, func(e []byte) {
			x := crm.BriefDeal{Date: zeroMs}
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "product":
					x.Product = w.str(v)
				case "amount":
					m, _ := w.int(v)
					x.Amount = crm.Money(m)
				case "date":
					x.Date, _ = w.time(v)
				}
			})
			b.Deals = append(b.Deals, x)
		})
	}
	if body, n := w.array(d, "satisfaction"); n > 0 {
		b.Satisfaction = make([]crm.BriefSatisfaction, 0, n)
		w.each(body, func(e []byte) {
			x := crm.BriefSatisfaction{At: zeroMs}
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "at":
					x.At, _ = w.time(v)
				case "score":
					s, _ := w.int(v)
					x.Score = int(s)
				}
			})
			b.Satisfaction = append(b.Satisfaction, x)
		})
	}
	if body, n := w.array(d, "stageHistory"); n > 0 {
		b.Stages = make([]crm.BriefStageChange, 0, n)
		w.each(body, func(e []byte) {
			at := zeroMs
			var from, to string
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "at":
					at, _ = w.time(v)
				case "from":
					from = w.str(v)
				case "to":
					to = w.str(v)
				}
			})
			x, ok := crm.BriefOfStageChange(time.UnixMilli(at), crm.Stage(from), crm.Stage(to))
			w.ok = w.ok && ok
			b.Stages = append(b.Stages, x)
		})
	}
	if body, n := w.array(d, "serviceRequests"); n > 0 {
		b.Services = make([]crm.BriefServiceRequest, 0, n)
		w.each(body, func(e []byte) {
			x := crm.BriefServiceRequest{OpenedAt: zeroMs, Due: zeroMs}
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "kind":
					x.Kind = crm.ServiceKind(w.str(v))
				case "status":
					x.Status = crm.ServiceStatus(w.str(v))
				case "priority":
					x.Priority = crm.Priority(w.str(v))
				case "assigneeId":
					x.AssigneeID = w.str(v)
				case "openedAt":
					x.OpenedAt, _ = w.time(v)
				case "due":
					x.Due, _ = w.time(v)
				case "resolvedAt":
					x.ResolvedAt, x.HasResolved = w.time(v)
				case "closedAt":
					x.ClosedAt, x.HasClosed = w.time(v)
				case "resolutionHours":
					x.Hours, x.HasHours = w.int(v)
				}
			})
			if !x.HasResolved {
				x.ResolvedAt = 0
			}
			if !x.HasClosed {
				x.ClosedAt = 0
			}
			if !x.HasHours {
				x.Hours = 0
			}
			b.Services = append(b.Services, x)
		})
	}
	if body, n := w.array(d, "tasks"); n > 0 {
		b.Tasks = make([]crm.BriefTask, 0, n)
		w.each(body, func(e []byte) {
			x := crm.BriefTask{Due: zeroMs, CreatedAt: zeroMs}
			w.fields(e, func(k []byte, v bsoncore.Value) {
				switch string(k) { // no allocation
				case "kind":
					x.Kind = crm.TaskKind(w.str(v))
				case "status":
					x.Status = crm.TaskStatus(w.str(v))
				case "assigneeId":
					x.AssigneeID = w.str(v)
				case "due":
					x.Due, _ = w.time(v)
				case "createdAt":
					x.CreatedAt, _ = w.time(v)
				case "closedAt":
					x.ClosedAt, x.HasClosed = w.time(v)
				}
			})
			if !x.HasClosed {
				x.ClosedAt = 0
			}
			b.Tasks = append(b.Tasks, x)
		})
	}
	if !w.ok {
		return nil
	}
	b.NoteTimeOrder()
	return b
}

// nextAction reads an interaction's next action (null: none): whether it
// is done and its due time (0 without one).
func (w *walker) nextAction(v bsoncore.Value) (present, done bool, due int64) {
	if v.Type == bsoncore.TypeNull {
		return false, false, 0
	}
	d, ok := v.DocumentOK()
	if !ok || len(d) < 5 {
		w.ok = false
		return false, false, 0
	}
	w.fields(d, func(k []byte, v bsoncore.Value) {
		switch string(k) {
		case "done":
			done = w.boolean(v)
		case "due":
			if ms, ok := w.time(v); ok {
				due = ms
			}
		}
	})
	return true, done, due
}

// people returns a shared pointer to a participant list equal to ps (nil
// for none): interactions of one customer mostly repeat a few lists, which
// are then kept once.
func (w *walker) people(ps []string) *[]string {
	if len(ps) == 0 {
		return nil
	}
	for _, l := range w.lists {
		if slices.Equal(*l, ps) {
			return l
		}
	}
	l := &ps
	if len(w.lists) < 16 {
		w.lists = append(w.lists, l)
	}
	return l
}

// strings reads an array of strings (null: none), each shared through the
// walker's cache.
func (w *walker) strings(v bsoncore.Value) []string {
	if v.Type == bsoncore.TypeNull {
		return nil
	}
	arr, ok := v.ArrayOK()
	if !ok {
		w.ok = false
		return nil
	}
	vals, err := arr.Values()
	if err != nil {
		w.ok = false
		return nil
	}
	if len(vals) == 0 {
		return nil
	}
	out := make([]string, len(vals))
	for i, x := range vals {
		out[i] = w.str(x)
	}
	return out
}

// zeroMs is the Unix millisecond of the zero time.Time: what a decode
// leaves in an absent time field.
var zeroMs = time.Time{}.UnixMilli()

// array returns the elements of the document's array field and their
// number; 0 when the field is absent, null or empty.
func (w *walker) array(d bsoncore.Document, key string) ([]byte, int) {
	v, err := d.LookupErr(key)
	if err != nil {
		w.ok = w.ok && err == bsoncore.ErrElementNotFound
		return nil, 0
	}
	if v.Type == bsoncore.TypeNull {
		return nil, 0
	}
	arr, ok := v.ArrayOK()
	if !ok || len(arr) < 5 {
		w.ok = false
		return nil, 0
	}
	body := arr[4 : len(arr)-1]
	n := 0
	for rest := body; len(rest) > 0; n++ {
		if _, rest, ok = bsoncore.ReadElement(rest); !ok {
			w.ok = false
			return nil, 0
		}
	}
	return body, n
}

// each calls fn with every element of an array body, which must be
// documents.
func (w *walker) each(body []byte, fn func(doc []byte)) {
	for len(body) > 0 && w.ok {
		el, rest, ok := bsoncore.ReadElement(body)
		if !ok {
			w.ok = false
			return
		}
		body = rest
		d, ok := el.Value().DocumentOK()
		if !ok || len(d) < 5 {
			w.ok = false
			return
		}
		fn(d)
	}
}

// fields calls fn with every field of a document. The key is only valid
// during the call.
func (w *walker) fields(d []byte, fn func(key []byte, v bsoncore.Value)) {
	rest := d[4 : len(d)-1]
	for len(rest) > 0 && w.ok {
		el, r, ok := bsoncore.ReadElement(rest)
		if !ok {
			w.ok = false
			return
		}
		rest = r
		fn(el.KeyBytes(), el.Value())
	}
}

// str reads a string field (null: "").
func (w *walker) str(v bsoncore.Value) string {
	switch v.Type {
	case bsoncore.TypeNull:
		return ""
	case bsoncore.TypeString:
		if len(v.Data) >= 5 {
			n := int(binary.LittleEndian.Uint32(v.Data))
			if n >= 1 && 4+n <= len(v.Data) {
				return w.strs.of(v.Data[4 : 4+n-1])
			}
		}
	}
	w.ok = false
	return ""
}

// nonEmpty reads whether a string field is not empty (null: empty).
func (w *walker) nonEmpty(v bsoncore.Value) bool {
	switch v.Type {
	case bsoncore.TypeNull:
		return false
	case bsoncore.TypeString:
		if len(v.Data) >= 5 {
			n := int(binary.LittleEndian.Uint32(v.Data))
			if n >= 1 && 4+n <= len(v.Data) {
				return n > 1
			}
		}
	}
	w.ok = false
	return false
}

// time reads a datetime as Unix milliseconds; ok false for null.
func (w *walker) time(v bsoncore.Value) (int64, bool) {
	if v.Type == bsoncore.TypeNull {
		return zeroMs, false
	}
	ms, ok := v.DateTimeOK()
	w.ok = w.ok && ok
	return ms, ok
}

// boolean reads a bool field (null: false).
func (w *walker) boolean(v bsoncore.Value) bool {
	if v.Type == bsoncore.TypeNull {
		return false
	}
	b, ok := v.BooleanOK()
	w.ok = w.ok && ok
	return b
}

// int reads an int64 or int32 field (money in fen); ok false for null.
func (w *walker) int(v bsoncore.Value) (int64, bool) {
	switch v.Type {
	case bsoncore.TypeNull:
		return 0, false
	case bsoncore.TypeInt64:
		return v.Int64OK()
	case bsoncore.TypeInt32:
		i, ok := v.Int32OK()
		return int64(i), ok
	}
	w.ok = false
	return 0, false
}

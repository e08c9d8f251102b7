package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// UndoWithin is how long an import can be undone; its record and undo
// data are kept that long.
const UndoWithin = 30 * 24 * time.Hour

// Jobs runs imports in the background, one goroutine each, and keeps each
// job's state in the store (crm.ImportStore) as it goes, so that any
// replica answers how a job is doing, and a cancel sent to another replica
// reaches it (between batches). The job's undo data is stored as its
// batches are written.
type Jobs struct {
	Svc   *Service
	Store crm.ImportStore
	// Settings keeps the saved mappings (mappings.go).
	Settings crm.SettingStore
	// Sheet limits the files (package sheet's defaults when zero); its
	// TmpDir also holds the copies of uploads while their jobs run.
	Sheet sheet.Options
	Log   *slog.Logger

	mu      sync.Mutex
	running map[string]context.CancelFunc
	wg      sync.WaitGroup

	// afterProgress, when set, runs after each progress of a job is
	// stored (tests: a cancel from another replica in between).
	afterProgress func(id string)
}

// JobInput is what an import is asked to do besides the file.
type JobInput struct {
	DryRun  bool
	MatchBy MatchKey
	// Mapping corrects the detected mapping (columns.Apply).
	Mapping []columns.Correction
}

// Start copies the upload, checks now what can be checked at once (the
// file is a worksheet with a header row, the mapping), and runs the import
// in the background; it returns the job, QUEUED. Errors: FORBIDDEN;
// BAD_USER_INPUT on "file" (package sheet's reasons) or on "mapping" /
// mapping[i].* (columns.Apply, the mapping's problems), or "matchBy".
func (j *Jobs) Start(ctx context.Context, a crm.Actor, r io.Reader, name string, in JobInput) (*crm.Import, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins may import customers")
	}
	switch in.MatchBy {
	case "", ByName, ByPhone:
	default:
		return nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "matchBy must be NAME or PHONE",
			Fields: []crm.FieldError{{Field: "matchBy", Reason: crm.ReasonNotAllowed, Message: "must be NAME or PHONE",
				Params: map[string]any{"value": string(in.MatchBy)}}}}
	}
	f, size, err := j.spool(r)
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	d, err := j.detect(ctx, f, size, name, in.Mapping)
	if err != nil {
		return nil, err
	}
	m := d.Mapping
	if err := m.Err(); err != nil {
		return nil, err
	}
	if !in.DryRun && len(in.Mapping) > 0 {
		if err := j.saveMapping(ctx, m); err != nil {
			return nil, err
		}
	}
	now := j.Svc.CRM.Clock.Now().UTC().Truncate(time.Millisecond)
	im := &crm.Import{ID: crm.NewID(), By: a.UserID, At: now, FileName: name, DryRun: in.DryRun, Status: crm.ImportQueued}
	if err := j.Store.Insert(ctx, im); err != nil {
		return nil, err
	}
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j.mu.Lock()
	if j.running == nil {
		j.running = map[string]context.CancelFunc{}
	}
	j.running[im.ID] = cancel
	j.mu.Unlock()
	keep = true
	queued := *im // the caller's; the job goroutine owns im
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer func() {
			f.Close()
			os.Remove(f.Name())
			j.mu.Lock()
			delete(j.running, im.ID)
			j.mu.Unlock()
			cancel()
		}()
		j.run(jobCtx, a, im, f, size, name, m, in)
	}()
	return &queued, nil
}

// run is the job: read the file, then the dry run or the commit, the
// record kept up to date.
func (j *Jobs) run(ctx context.Context, a crm.Actor, im *crm.Import, f io.ReaderAt, size int64, name string, m columns.Mapping, in JobInput) {
	started := j.Svc.CRM.Clock.Now().UTC().Truncate(time.Millisecond)
	im.Status, im.StartedAt = crm.ImportRunning, &started
	if err := j.save(ctx, im); err != nil {
		j.log().Error("import: record the start", "import", im.ID, "err", err)
		return
	}
	fail := func(err error) {
		var e *crm.Error
		switch {
		case errors.Is(err, context.Canceled):
			im.Status, im.Message = crm.ImportCancelled, "cancelled"
		case errors.As(err, &e) && e.Code != crm.CodeInternal:
			im.Status, im.Message = crm.ImportFailed, e.Message
		default:
			im.Status, im.Message = crm.ImportFailed, "internal error"
			j.log().Error("import failed", "import", im.ID, "err", err)
		}
	}
	src, _, err := Read(f, size, name, j.Sheet)
	if err != nil {
		fail(err)
		j.finish(im)
		return
	}
	defer src.Close()
	im.Rows = len(src.Rows)
	progress := func(p Progress) {
		im.Processed, im.Total = p.Processed, p.Total
		if err := j.save(ctx, im); err != nil {
			j.log().Warn("import: record the progress", "import", im.ID, "err", err)
		}
		if j.afterProgress != nil {
			j.afterProgress(im.ID)
			if stored, err := j.Store.Get(ctx, im.ID); err == nil {
				im.CancelRequested = im.CancelRequested || stored.CancelRequested
			}
		}
		if im.CancelRequested {
			j.cancel(im.ID)
		}
	}
	opt := Options{MatchBy: in.MatchBy}
	var p *Plan
	if in.DryRun {
		p, err = j.Svc.PlanWithProgress(ctx, a, src, m, opt, progress)
	} else {
		seq := 0
		p, _, err = j.Svc.Commit(ctx, a, src, m, CommitOptions{Options: opt, Progress: progress, OnUndo: func(u *Undo) error {
			for _, chunk := range undoChunks(im.ID, u, &seq) {
				if err := j.Store.AppendUndo(context.WithoutCancel(ctx), chunk); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	if p != nil {
		summarize(im, p)
		if rerr := j.saveRows(context.WithoutCancel(ctx), im.ID, src, m, p); rerr != nil {
			j.log().Error("import: store the result rows", "import", im.ID, "err", rerr)
		}
	}
	if err != nil {
		fail(err)
	} else {
		im.Status = crm.ImportDone
	}
	j.finish(im)
}

// maxUndoChunk bounds the before-documents of one stored undo chunk (a
// document store holds at most 16 MB a document).
const maxUndoChunk = 8 << 20

// undoChunks splits a batch's undo data into chunks the store takes.
func undoChunks(id string, u *Undo, seq *int) []*crm.ImportUndo {
	next := func() *crm.ImportUndo {
		c := &crm.ImportUndo{Import: id, Seq: *seq}
		*seq++
		return c
	}
	cur := next()
	cur.Created = u.Created
	out := []*crm.ImportUndo{cur}
	size := 0
	for _, b := range u.Updated {
		if size > 0 && size+len(b.Doc) > maxUndoChunk-(1<<20) {
			cur = next()
			out = append(out, cur)
			size = 0
		}
		cur.Updated = append(cur.Updated, crm.UndoBefore{ID: b.ID, Version: b.Version, Doc: b.Doc})
		size += len(b.Doc)
	}
	return out
}

// summarize puts what a plan says into the job's record: the counts, the first
// rows' outcomes and the first problems, with personal data redacted.
func summarize(im *crm.Import, p *Plan) {
	im.Created, im.Updated, im.Unchanged, im.Duplicates, im.RowErrors = p.Created, p.Updated, p.Unchanged, p.Duplicates, p.RowErrors
	im.Errors, im.Outcomes = nil, nil
	for _, w := range p.Warnings {
		im.Errors = append(im.Errors, crm.ImportError{Row: p.HeaderRow, Column: w.Column, Field: w.Field, Reason: w.Reason,
			Message: redact(w.Message, false), Params: redactParams(w.Params), Warning: true})
	}
	for _, r := range p.Rows {
		if len(im.Outcomes) < crm.MaxImportOutcomes {
			o := crm.ImportOutcome{Row: r.Row, Action: string(r.Action), CustomerID: r.Customer, Code: r.Code,
				MatchedBy: string(r.MatchedBy), Duplicates: r.Duplicates}
			for _, c := range r.Changes {
				o.Changes = append(o.Changes, crm.FieldChange{Field: c.Field, Old: redact(c.Old, false), New: redact(c.New, false)})
			}
			for _, n := range r.Notes {
				o.Notes = append(o.Notes, crm.ImportNote{Column: n.Column, From: redact(n.From, false), To: redact(n.To, false)})
			}
			im.Outcomes = append(im.Outcomes, o)
		}
		for _, set := range []struct {
			ps      []Problem
			warning bool
		}{{r.Errors, false}, {r.Warnings, true}} {
			for _, e := range set.ps {
				if len(im.Errors) < crm.MaxImportErrors {
					im.Errors = append(im.Errors, crm.ImportError{Row: r.Row, Column: e.Column, Field: e.Field, Reason: e.Reason,
						Message: redact(e.Message, false), Params: redactParams(e.Params), Warning: set.warning})
				}
			}
		}
	}
}

// finish stores the job's end.
func (j *Jobs) finish(im *crm.Import) {
	done := j.Svc.CRM.Clock.Now().UTC().Truncate(time.Millisecond)
	im.FinishedAt = &done
	if err := j.save(context.Background(), im); err != nil {
		j.log().Error("import: record the end", "import", im.ID, "err", err)
	}
}

// save writes the job's record; a cancel request stored meanwhile (by
// another replica's cancelImport) is kept and noted on im.
func (j *Jobs) save(ctx context.Context, im *crm.Import) error {
	ctx = context.WithoutCancel(ctx)
	now := j.Svc.CRM.Clock.Now().UTC().Truncate(time.Millisecond)
	im.SavedAt = &now
	for attempt := 0; ; attempt++ {
		next := *im
		next.Version = im.Version + 1
		err := j.Store.Replace(ctx, &next, im.Version)
		if err == nil {
			im.Version = next.Version
			return nil
		}
		if !crm.IsVersionConflict(err) || attempt == 3 {
			return err
		}
		stored, err := j.Store.Get(ctx, im.ID)
		if err != nil {
			return err
		}
		im.Version = stored.Version
		im.CancelRequested = im.CancelRequested || stored.CancelRequested
	}
}

// Get returns a job. Errors: FORBIDDEN, NOT_FOUND.
func (j *Jobs) Get(ctx context.Context, a crm.Actor, id string) (*crm.Import, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins see imports")
	}
	im, err := j.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return j.orphan(ctx, im), nil
}

// Abandoned is how long a job may go without saving its state before it
// is taken for one whose replica stopped: it saves after every batch of
// Batch customers, which takes a second or two, and after reading the
// file, which takes seconds.
const Abandoned = 5 * time.Minute

// orphan marks a job FAILED when it is not finished, not running here, and
// has not saved its state for Abandoned: the replica running it stopped
// (a crash; a shutdown cancels its jobs, CANCELLED). Its undo data, stored
// batch by batch, stays: what it wrote can be undone.
func (j *Jobs) orphan(ctx context.Context, im *crm.Import) *crm.Import {
	if im.Status.Finished() {
		return im
	}
	last := im.At
	if im.SavedAt != nil {
		last = *im.SavedAt
	}
	now := j.Svc.CRM.Clock.Now()
	if now.Sub(last) < Abandoned {
		return im
	}
	j.mu.Lock()
	_, here := j.running[im.ID]
	j.mu.Unlock()
	if here {
		return im
	}
	next := *im
	at := now.UTC().Truncate(time.Millisecond)
	next.Status, next.FinishedAt, next.Version = crm.ImportFailed, &at, im.Version+1
	next.Message = "the server running the import stopped: what it wrote can be undone; start it again to import the rest"
	if err := j.Store.Replace(context.WithoutCancel(ctx), &next, im.Version); err != nil {
		return im // another reader marked it, or it moved on: the next read tells
	}
	j.log().Warn("import abandoned by a stopped replica: marked FAILED", "import", im.ID)
	return &next
}

// MaxList bounds the imports List returns.
const MaxList = 100

// List returns the latest imports, newest first, at most limit (1 to
// MaxList): everyone's, or only a's when mine. Errors: FORBIDDEN;
// BAD_USER_INPUT on "first" (OUT_OF_RANGE).
func (j *Jobs) List(ctx context.Context, a crm.Actor, mine bool, limit int) ([]*crm.Import, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins see imports")
	}
	if limit < 1 || limit > MaxList {
		return nil, &crm.Error{Code: crm.CodeBadUserInput, Message: fmt.Sprintf("first must be 1 to %d", MaxList),
			Fields: []crm.FieldError{{Field: "first", Reason: crm.ReasonOutOfRange, Message: fmt.Sprintf("must be 1 to %d", MaxList),
				Params: map[string]any{"min": 1, "max": MaxList}}}}
	}
	by := ""
	if mine {
		by = a.UserID
	}
	list, err := j.Store.List(ctx, by, limit)
	for i, im := range list {
		list[i] = j.orphan(ctx, im)
	}
	return list, err
}

// Speed is how fast a running job works out customers, and how long it has
// left at that pace: ok is false before it has worked out any, or once it
// has ended (then only the rate over its run is known: perSecond, with
// secondsLeft 0).
func Speed(im *crm.Import, now time.Time) (perSecond float64, secondsLeft int, ok bool) {
	if im.StartedAt == nil || im.Processed == 0 {
		return 0, 0, false
	}
	end := now
	if im.FinishedAt != nil {
		end = *im.FinishedAt
	}
	took := end.Sub(*im.StartedAt).Seconds()
	if took <= 0 {
		return 0, 0, false
	}
	perSecond = float64(im.Processed) / took
	if im.Status.Finished() {
		return perSecond, 0, true
	}
	left := float64(max(im.Total-im.Processed, 0)) / perSecond
	return perSecond, int(left + 0.999), true
}

// CanUndo reports whether Undo would take the import back at now.
func CanUndo(im *crm.Import, now time.Time) bool {
	return !im.DryRun && im.Status.Finished() && im.UndoneAt == nil && now.Sub(im.At) <= UndoWithin
}

// Sweep deletes the imports older than UndoWithin with their stored data;
// it returns how many. Every replica may run it: deleting twice is
// harmless.
func (j *Jobs) Sweep(ctx context.Context) (int, error) {
	return j.Store.DeleteBefore(ctx, j.Svc.CRM.Clock.Now().Add(-UndoWithin))
}

// Cancel asks a job to stop between batches: what it wrote stays (and can
// be undone). A finished job is returned as it is. Errors: FORBIDDEN,
// NOT_FOUND.
func (j *Jobs) Cancel(ctx context.Context, a crm.Actor, id string) (*crm.Import, error) {
	im, err := j.Get(ctx, a, id)
	if err != nil || im.Status.Finished() {
		return im, err
	}
	if j.cancel(id) {
		return im, nil
	}
	// Running on another replica: it reads the request at its next batch.
	for attempt := 0; ; attempt++ {
		next := *im
		next.CancelRequested, next.Version = true, im.Version+1
		switch err := j.Store.Replace(ctx, &next, im.Version); {
		case err == nil:
			return &next, nil
		case !crm.IsVersionConflict(err) || attempt == 5:
			return nil, err
		}
		if im, err = j.Store.Get(ctx, id); err != nil || im.Status.Finished() {
			return im, err
		}
	}
}

// cancel stops a job running here; false when none is.
func (j *Jobs) cancel(id string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cancel, ok := j.running[id]; ok {
		cancel()
		return true
	}
	return false
}

// Undo takes back a committed import within UndoWithin of it (Service.Undo,
// chunk by chunk of its stored undo data) and records what it did on the
// job. Errors: FORBIDDEN; NOT_FOUND; BAD_USER_INPUT on "id" for a dry run,
// a job still running, one undone already or one over UndoWithin old.
func (j *Jobs) Undo(ctx context.Context, a crm.Actor, id string) (*crm.Import, error) {
	im, err := j.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	refuse := func(reason crm.Reason, msg string) (*crm.Import, error) {
		return nil, &crm.Error{Code: crm.CodeBadUserInput, Message: msg,
			Fields: []crm.FieldError{{Field: "id", Reason: reason, Message: msg}}}
	}
	now := j.Svc.CRM.Clock.Now()
	switch {
	case im.DryRun:
		return refuse(crm.ReasonInvalid, "a dry run wrote nothing to undo")
	case !im.Status.Finished():
		return refuse(crm.ReasonInvalid, "the import is still running: cancel it first")
	case im.UndoneAt != nil:
		return refuse(crm.ReasonAlready, "the import was undone already")
	case now.Sub(im.At) > UndoWithin:
		return refuse(crm.ReasonOutOfRange, "an import can be undone within 30 days")
	}
	sum := &crm.UndoSummary{}
	err = j.Store.EachUndo(ctx, id, func(chunk *crm.ImportUndo) error {
		u := &Undo{Created: chunk.Created}
		for _, b := range chunk.Updated {
			u.Updated = append(u.Updated, Before{ID: b.ID, Version: b.Version, Doc: b.Doc})
		}
		rep, err := j.Svc.Undo(ctx, a, u)
		if rep != nil {
			sum.Deleted += rep.Deleted
			sum.Restored += rep.Restored
			for _, k := range rep.Kept {
				sum.Kept = append(sum.Kept, crm.UndoKept{ID: k.ID, Code: k.Code, Reason: k.Reason})
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(sum.Kept, func(x, y crm.UndoKept) int { return strings.Compare(x.Code, y.Code) })
	at := now.UTC().Truncate(time.Millisecond)
	for attempt := 0; ; attempt++ {
		next := *im
		next.UndoneAt, next.UndoneBy, next.Undo, next.Version = &at, a.UserID, sum, im.Version+1
		switch err := j.Store.Replace(ctx, &next, im.Version); {
		case err == nil:
			return &next, nil
		case !crm.IsVersionConflict(err) || attempt == 5:
			return nil, err
		}
		if im, err = j.Store.Get(ctx, id); err != nil {
			return nil, err
		}
	}
}

// Close waits for the running jobs to end, cancelling them when ctx is
// done first.
func (j *Jobs) Close(ctx context.Context) {
	done := make(chan struct{})
	go func() { j.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		j.mu.Lock()
		for _, cancel := range j.running {
			cancel()
		}
		j.mu.Unlock()
		<-done
	}
}

func (j *Jobs) log() *slog.Logger {
	if j.Log != nil {
		return j.Log
	}
	return slog.New(slog.DiscardHandler)
}

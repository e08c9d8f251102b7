package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// The WAL is copied into the database file (a checkpoint) by a goroutine of
// its own, not by the write that happens to fill it. SQLite's automatic
// checkpoint runs inside the commit that crosses its threshold, with the
// writer lock held: copying the pages and the fsync of the database file
// took a sixth of the daily classification pass, and every writer queued
// behind it. A PASSIVE checkpoint on another connection runs beside the
// writer (SQLite lets one checkpointer and one writer work at once).
//
// The automatic checkpoint stays as a backstop at a much larger size
// (walBackstopPages), for a checkpointer that cannot keep up.

// checkpointGap is the least time between two background checkpoints: the
// commits of a burst are copied together, and a quiet store checkpoints
// soon after its last write.
const checkpointGap = 100 * time.Millisecond

// walBackstopPages is the WAL size (pages of 4 KiB: 64 MiB) at which a
// commit checkpoints by itself, as SQLite does by default at 1000 pages.
const walBackstopPages = 16384

// checkpointer runs background checkpoints after commits.
type checkpointer struct {
	db   *sql.DB       // one connection, not query-only
	kick chan struct{} // a commit happened (capacity 1: kicks coalesce)
	stop chan struct{}
	done chan struct{}
	// onError reports a failed checkpoint (the next one retries it).
	onError func(error)
}

func newCheckpointer(db *sql.DB, onError func(error)) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{}), onError: onError}
	go c.run()
	return c
}

// committed tells the checkpointer the WAL has grown; it never blocks.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		if _, err := c.checkpoint(context.Background()); err != nil {
			c.onError(err)
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointGap):
		}
	}
}

// checkpoint copies what it can of the WAL without waiting for readers or
// the writer; it returns the frames left uncopied.
func (c *checkpointer) checkpoint(ctx context.Context) (left int, err error) {
	var busy, frames, copied int
	if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return 0, err
	}
	return max(frames-copied, 0), nil
}

// close stops the goroutine (a checkpoint under way finishes first) and
// closes the connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

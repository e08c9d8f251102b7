package rules

import (
	"context"
	"errors"

	"github.com/kehu-crm/kehu/internal/crm"
)

// batchWriter writes the pass's changed customers a batch at a time on a
// goroutine of its own, so that the pass reads and classifies the next
// batch while the store encodes and writes the last one. At most one batch
// waits while another is written: send blocks until the goroutine takes it.
type batchWriter struct {
	store   crm.CustomerStore
	batches chan writeBatch
	failed  chan struct{} // closed when a write failed: the pass stops
	done    chan struct{}

	// Owned by the goroutine until done is closed.
	written int      // customers written
	redo    []string // customers changed meanwhile, to classify again
	err     error
}

type writeBatch struct {
	customers []*crm.Customer
	expected  []int64
}

// errWriterFailed stops the pass's reading; wait returns the cause.
var errWriterFailed = errors.New("rules: the pass's batch writer failed")

func newBatchWriter(ctx context.Context, store crm.CustomerStore) *batchWriter {
	w := &batchWriter{store: store, batches: make(chan writeBatch), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for b := range w.batches {
			conflicts, err := w.store.ReplaceMany(ctx, b.customers, b.expected)
			if err != nil {
				w.err = err
				close(w.failed)
				for range w.batches { // let send and wait return
				}
				return
			}
			w.written += len(b.customers) - len(conflicts)
			for _, i := range conflicts {
				w.redo = append(w.redo, b.customers[i].ID)
			}
		}
	}()
	return w
}

// send hands a batch over (the caller must not touch it again); it fails
// with errWriterFailed once a write failed.
func (w *batchWriter) send(customers []*crm.Customer, expected []int64) error {
	if len(customers) == 0 {
		return nil
	}
	select {
	case <-w.failed: // before the drain below can take the batch
		return errWriterFailed
	default:
	}
	select {
	case w.batches <- writeBatch{customers, expected}:
		return nil
	case <-w.failed:
		return errWriterFailed
	}
}

// wait waits for the batches sent and returns what they wrote: how many
// customers, those to classify again, and the first error.
func (w *batchWriter) wait() (written int, redo []string, err error) {
	close(w.batches)
	<-w.done
	return w.written, w.redo, w.err
}

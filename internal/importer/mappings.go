package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sheet"
)

// Saved mappings. A mapping the user committed an import with is kept in
// the settings store under its header row's fingerprint
// (columns.Fingerprint), and applied to the next file with the same header
// row before the user's corrections: a company importing its monthly
// worksheet maps its columns once.

// savedMappingKey is the setting a header row's mapping is kept under.
func savedMappingKey(fingerprint string) string { return "importMapping:" + fingerprint }

// Detection is a worksheet's columns as an import would read them.
type Detection struct {
	FileName  string
	Info      sheet.Info
	HeaderRow int
	Mapping   columns.Mapping
	// Saved: a saved mapping of this header row was applied.
	Saved bool
}

// Detect reads a worksheet's header row and first rows and maps its
// columns: columns.Detect, then the saved mapping of the header row, then
// corrections (columns.Apply). Nothing is written; the mapping's problems
// (no name column ...) are in Detection.Mapping.Problems, not an error.
// Errors: FORBIDDEN; BAD_USER_INPUT on "file" (package sheet's reasons) or
// mapping[i].* (columns.Apply).
func (j *Jobs) Detect(ctx context.Context, a crm.Actor, r io.Reader, name string, corrections []columns.Correction) (*Detection, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins may import customers")
	}
	f, size, err := j.spool(r)
	if err != nil {
		return nil, err
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	d, err := j.detect(ctx, f, size, name, corrections)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// spool copies an upload to a temporary file, up to the size limit and a
// byte beyond it (sheet.Open then refuses it as TOO_LARGE).
func (j *Jobs) spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp(j.Sheet.TmpDir, "kehu-import-*")
	if err != nil {
		return nil, 0, crm.Internal(err)
	}
	limit := j.Sheet.MaxBytes
	if limit <= 0 {
		limit = sheet.DefaultMaxBytes
	}
	size, err := io.Copy(f, io.LimitReader(r, limit+1))
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, crm.Internal(fmt.Errorf("importer: copy the upload: %w", err))
	}
	return f, size, nil
}

// detect opens the file as far as its first rows and maps its columns.
func (j *Jobs) detect(ctx context.Context, f io.ReaderAt, size int64, name string, corrections []columns.Correction) (*Detection, error) {
	rd, err := sheet.Open(f, size, name, j.Sheet)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	row, header := rd.Header()
	var sample [][]string
	for len(sample) < columns.SampleRows {
		_, cells, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		sample = append(sample, cells)
	}
	d := &Detection{FileName: name, Info: rd.Info(), HeaderRow: row, Mapping: columns.Detect(header, sample)}
	var saved columns.Saved
	switch _, err := j.Settings.Get(ctx, savedMappingKey(d.Mapping.Fingerprint), &saved); {
	case err == nil:
		// A saved mapping that no longer applies (a field since removed)
		// is passed over: the detected one stands.
		if m, err := columns.Restore(saved, header, sample); err == nil {
			d.Mapping, d.Saved = m, true
		} else {
			j.log().Warn("import: a saved mapping no longer applies", "fingerprint", saved.Fingerprint, "err", err)
		}
	case !crm.IsCode(err, crm.CodeNotFound):
		return nil, err
	}
	if len(corrections) > 0 {
		m, err := columns.Apply(d.Mapping, corrections)
		if err != nil {
			return nil, err
		}
		d.Mapping = m
	}
	return d, nil
}

// saveMapping keeps m for the next file with the same header row. It is
// the user's confirmed choice, last one wins: a concurrent save is retried
// over the stored version.
func (j *Jobs) saveMapping(ctx context.Context, m columns.Mapping) error {
	key := savedMappingKey(m.Fingerprint)
	value := m.Save()
	for attempt := 0; ; attempt++ {
		var old columns.Saved
		v, err := j.Settings.Get(ctx, key, &old)
		if err != nil && !crm.IsCode(err, crm.CodeNotFound) {
			return err
		}
		err = j.Settings.Put(ctx, key, value, v)
		if err == nil || !crm.IsCode(err, crm.CodeConflict) || attempt == 3 {
			return err
		}
	}
}

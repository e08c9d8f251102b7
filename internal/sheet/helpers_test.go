package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"sort"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/crm"
)

type row struct {
	n     int
	cells []string
}

// book builds a workbook with excelize.
func book(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rows writes rows of values from A1 on Sheet1.
func rows(values ...[]any) func(f *excelize.File) {
	return func(f *excelize.File) {
		for i, v := range values {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &v); err != nil {
				panic(err)
			}
		}
	}
}

// rezip copies a zip, replacing or adding the parts in with (nil removes).
func rezip(t testing.TB, data []byte, with map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	done := map[string]bool{}
	for _, zf := range zr.File {
		b, ok := with[zf.Name]
		done[zf.Name] = true
		if !ok {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(rc)
			rc.Close()
		} else if b == nil {
			continue
		}
		w, _ := zw.Create(zf.Name)
		w.Write(b)
	}
	var names []string
	for name := range with {
		if !done[name] && with[name] != nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		w, _ := zw.Create(name)
		w.Write(with[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	with := map[string][]byte{}
	for k, v := range parts {
		with[k] = []byte(v)
	}
	var empty bytes.Buffer
	zw := zip.NewWriter(&empty)
	zw.Close()
	return rezip(t, empty.Bytes(), with)
}

func open(data []byte, name string, opt Options) (*Reader, error) {
	return Open(bytes.NewReader(data), int64(len(data)), name, opt)
}

// readAll opens data and returns its header and rows, or the first error.
func readAll(t testing.TB, data []byte, name string, opt Options) (Info, row, []row, error) {
	t.Helper()
	rd, err := open(data, name, opt)
	if err != nil {
		return Info{}, row{}, nil, err
	}
	defer rd.Close()
	var out []row
	for {
		n, cells, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rd.Info(), row{}, out, err
		}
		out = append(out, row{n, cells})
	}
	hn, h := rd.Header()
	return rd.Info(), row{hn, h}, out, nil
}

func reasonOf(err error) string {
	var e *crm.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

type zipWriter struct {
	zw *zip.Writer
	b  *bytes.Buffer
}

func newZipWriter(b *bytes.Buffer) *zipWriter { return &zipWriter{zw: zip.NewWriter(b), b: b} }

func (z *zipWriter) add(name string, data []byte) {
	w, _ := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	w.Write(data)
}

func (z *zipWriter) close(t testing.TB) []byte {
	if err := z.zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.b.Bytes()
}

// stored copies a zip with every part stored uncompressed.
func stored(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := newZipWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		zw.add(zf.Name, b)
	}
	return zw.close(t)
}

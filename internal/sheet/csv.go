package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

type csvSource struct {
	r       *csv.Reader
	row     int // row number of the last record
	endLine int // line where the last record ended
}

// openCSV detects the encoding (a BOM; else UTF-8 if the whole file is valid
// UTF-8; else GB18030, which covers GBK and GB2312) and the delimiter (tab
// for .tsv, or when the start of the file has more tabs than commas outside
// quotes).
func openCSV(r io.ReaderAt, size int64, name string, head []byte) (source, Info, error) {
	info := Info{Format: CSV, Delimiter: ','}
	var dec *encoding.Decoder
	skip := int64(0)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		info.Encoding, skip = UTF8BOM, 3
	case bytes.HasPrefix(head, bomLE):
		info.Encoding, skip = UTF16LE, 2
		dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case bytes.HasPrefix(head, bomBE):
		info.Encoding, skip = UTF16BE, 2
		dec = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	default:
		ok, err := validUTF8(io.NewSectionReader(r, 0, size))
		if err != nil {
			return nil, info, fmt.Errorf("sheet: reading the upload: %w", err)
		}
		info.Encoding = UTF8
		if !ok {
			info.Encoding = GB18030
			dec = simplifiedchinese.GB18030.NewDecoder()
		}
	}
	text := func() io.Reader {
		var in io.Reader = io.NewSectionReader(r, skip, size-skip)
		if dec != nil {
			dec.Reset()
			in = transform.NewReader(in, dec)
		}
		return in
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".tsv", ".tab":
		info.Delimiter = '\t'
	default:
		start := make([]byte, sniffLen)
		n, err := io.ReadFull(text(), start)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, info, fmt.Errorf("sheet: reading the upload: %w", err)
		}
		info.Delimiter = delimiter(start[:n])
	}
	cr := csv.NewReader(bufio.NewReaderSize(text(), 64<<10))
	cr.Comma = info.Delimiter
	cr.FieldsPerRecord = -1 // ragged rows are padded by the Reader
	cr.LazyQuotes = true    // a stray quote in a hand-typed cell is text
	return &csvSource{r: cr}, info, nil
}

// delimiter picks tab or comma by counting both outside quotes.
func delimiter(start []byte) rune {
	tabs, commas, quoted := 0, 0, false
	for _, b := range start {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\t':
			tabs++
		case b == ',':
			commas++
		}
	}
	if tabs > commas {
		return '\t'
	}
	return ','
}

// validUTF8 reports whether all of r is valid UTF-8, reading it in chunks.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 256<<10)
	carry := 0 // bytes of a rune cut by the previous chunk, moved to buf's start
	for {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		end := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !end {
			return false, err
		}
		chunk := buf[:n]
		carry = 0
		if !end {
			// Keep an incomplete rune at the end for the next chunk.
			for i := 1; i < utf8.UTFMax && i <= n; i++ {
				if c := chunk[n-i]; utf8.RuneStart(c) {
					if !utf8.FullRune(chunk[n-i:]) {
						carry = i
					}
					break
				}
			}
		}
		if !utf8.Valid(chunk[:n-carry]) {
			return false, nil
		}
		if end {
			return true, nil
		}
		copy(buf, chunk[n-carry:])
	}
}

// next returns the next record. Its row number counts the blank lines
// encoding/csv skips, as a spreadsheet shows them, and counts a record with
// line breaks in a quoted cell as one row.
func (s *csvSource) next() (int, []string, error) {
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, corrupt(err)
	}
	start, _ := s.r.FieldPos(0)
	s.row += max(1, start-s.endLine)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return s.row, rec, nil
}

func (s *csvSource) close() error { return nil }

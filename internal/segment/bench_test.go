package segment_test

import (
	"testing"
	"time"

	. "github.com/kehu-crm/kehu/internal/segment"
)

// Run: go test ./internal/segment -run XXX -bench Match -benchmem
// The evals/s metric is customer evaluations per second on one core.

func benchMatch(b *testing.B, line string) {
	cs := demoData()
	n, err := Parse(line)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(n, Options{Now: testNow, Me: buildVocab(cs).me})
	if err != nil {
		b.Fatal(err)
	}
	matched := 0
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if p.Match(cs[i%len(cs)]) {
			matched++
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "evals/s")
	b.ReportMetric(float64(matched)/float64(b.N), "matched")
}

// BenchmarkMatchScalar: five scalar conditions (enum in, enum eq, money,
// relative time, tags).
func BenchmarkMatchScalar(b *testing.B) {
	benchMatch(b, "stage:negotiation,won,after_sales tier:A,B amount:>=10万 last-contact:<=180d -tag:投诉风险")
}

// BenchmarkMatchText: a case-insensitive contains and the free-text search.
func BenchmarkMatchText(b *testing.B) {
	benchMatch(b, `name:*科技* "ab"`)
}

// BenchmarkMatchNested: a quantifier and a windowed sum over the nested
// arrays (about 40 interactions per customer).
func BenchmarkMatchNested(b *testing.B) {
	benchMatch(b, "interactions.some(channel:visit at:<=30d) deals(365d):>=500000")
}

// BenchmarkMatchWindowCount: visits(90d):>=3 counts over every interaction.
func BenchmarkMatchWindowCount(b *testing.B) {
	benchMatch(b, "visits(90d):>=3")
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(issueLine); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	n, _ := Parse(issueLine)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(n, Options{Now: testNow, Me: "u"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToMQL(b *testing.B) {
	n, _ := Parse(issueLine)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := ToMQL(n, Options{Now: testNow, Me: "u"}); err != nil {
			b.Fatal(err)
		}
	}
}

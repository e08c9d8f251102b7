package demo

import (
	"hash/fnv"
	"strconv"
	"time"
)

// ids hands out deterministic 24-hex-digit ids in the layout of a MongoDB
// ObjectID: 4 bytes of unix seconds (the time the element was created, so
// ids sort by creation time), 3 bytes derived from the seed, and a 5-byte
// counter. Every customer owns the counter range index<<16, so customers are
// generated independently (and in parallel) and their ids never collide.
//
// The first hex digit of the seed bytes is always a letter (a-f): an id can
// then never hold a run of 18 digits that could read as a resident ID.
type ids struct {
	tag     [3]byte
	counter uint64
}

func seedTag(seed int64) [3]byte {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(seed, 10)))
	s := h.Sum64()
	t := [3]byte{byte(s >> 16), byte(s >> 8), byte(s)}
	t[0] = byte(10+(t[0]>>4)%6)<<4 | t[0]&0x0f
	return t
}

const hexDigits = "0123456789abcdef"

func (g *ids) next(at time.Time) string {
	var b [12]byte
	sec := uint32(at.Unix())
	b[0], b[1], b[2], b[3] = byte(sec>>24), byte(sec>>16), byte(sec>>8), byte(sec)
	b[4], b[5], b[6] = g.tag[0], g.tag[1], g.tag[2]
	c := g.counter
	g.counter++
	b[7], b[8], b[9], b[10], b[11] = byte(c>>32), byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	var out [24]byte
	for i, v := range b {
		out[2*i] = hexDigits[v>>4]
		out[2*i+1] = hexDigits[v&0x0f]
	}
	return string(out[:])
}

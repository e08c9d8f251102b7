package storetest

import (
	"math/rand/v2"
	"strings"
)

// Random free texts for the stores' differential text-index tests
// (internal/sqlite and internal/mongodb check their index against the
// evaluator). Each store adds its own syntax characters to TextRunes (FTS5's
// or regular expressions').

// TextRunes is the common alphabet of the random texts: Chinese, ASCII in
// both cases, the runes whose case orbit crosses into ASCII (ſ, the Kelvin
// sign), Greek sigmas, digits (ASCII and full-width) and spaces.
const TextRunes = "物流效率客户反馈希望优化配送方案的了一电话沟通aAbBkKsSſKσςΣ -:^.中文0123456789１３８@"

// ContactPieces are what the texts are built of besides random runes:
// phone numbers, e-mail addresses and WeChat IDs that masking hides.
var ContactPieces = []string{"13812345678", "电话 138-1234-5678", "0755-12345678", "li.lei@example.cn", "微信号 wx_lilei88", "１３８１２３４５６７８"}

// RandText is n runes drawn from alphabet.
func RandText(r *rand.Rand, alphabet []rune, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

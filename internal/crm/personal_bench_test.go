package crm

import (
	"strings"
	"testing"
)

// A summary as staff write them: Chinese prose with a date, an amount and
// a phone number.
const benchSummary = "客户王经理来电，反馈上月交付的系统在高峰期响应偏慢，希望我们下周安排工程师上门排查。" +
	"已记录需求，预算约12.5万元，2026-11-20前给出方案。联系电话13812345678，邮箱wang@example.com。"

// go test ./internal/crm -run XXX -bench 'MaskFreeText|PersonalData|CheckStored' -benchmem
func BenchmarkMaskFreeText(b *testing.B) {
	plain := strings.Repeat("客户反馈物流效率有待提高，下次回访重点关注。", 4)
	b.Run("with contacts", func(b *testing.B) {
		b.SetBytes(int64(len(benchSummary)))
		for b.Loop() {
			MaskFreeText(benchSummary)
		}
	})
	b.Run("plain Chinese", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			MaskFreeText(plain)
		}
	})
}

func BenchmarkPersonalData(b *testing.B) {
	b.SetBytes(int64(len(benchSummary)))
	for b.Loop() {
		PersonalData("summary", benchSummary)
	}
}

// One append to a large customer (1,500 interactions): the strings the
// stored version held are collected, the new ones checked.
func BenchmarkCheckStored(b *testing.B) {
	c := &Customer{Name: "某科技有限公司", Tags: []string{"VIP"}}
	for i := range 1500 {
		c.Interactions = append(c.Interactions, Interaction{ID: NewID(), Summary: benchSummary + itoa(i), Feedback: "满意",
			Participants: []string{NewID()}, CreatedBy: NewID()})
	}
	for b.Loop() {
		before := StoredStrings(c)
		c.Interactions = append(c.Interactions, Interaction{Summary: "新的互动" + benchSummary})
		if err := CheckStored(c, before); err != nil {
			b.Fatal(err)
		}
		c.Interactions = c.Interactions[:1500]
	}
}

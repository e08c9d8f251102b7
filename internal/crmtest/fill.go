// Package crmtest has test helpers for what readers of crm.Customer
// promise: that they read only the parts (crm.Parts) they declare.
package crmtest

import (
	"reflect"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Fill sets every field reachable from v (a settable value) to something
// not zero: a text "stale", numbers 7, true, a time in 1999, slices of one
// filled element, pointers to filled values.
func Fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("stale")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		Fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		Fill(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(1999, 9, 9, 0, 0, 0, 0, time.Local)))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				Fill(v.Field(i))
			}
		}
	}
}

// Garble returns a copy of c whose top-level fields outside keep hold
// garbage (Fill), as a scan's scratch customer does when it was built
// with only the parts keep; the fields of no part (the Brief) stay.
func Garble(c *crm.Customer, keep crm.Parts) *crm.Customer {
	g := *c
	v := reflect.ValueOf(&g).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if p := crm.PartOf(t.Field(i).Name); p != 0 && p&keep == 0 {
			Fill(v.Field(i))
		}
	}
	return &g
}

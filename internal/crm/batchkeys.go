package crm

// BatchKeys holds the unique keys (credit code, preset customer code)
// claimed by the customers of an insert batch so far, for the stores'
// InsertMany: a later customer with one of them is left out, whatever
// order the store writes the batch in.
type BatchKeys struct{ credit, code map[string]bool }

// Conflict returns the CONFLICT of a customer whose credit code or preset
// code (given; "" for none) an earlier one claimed, or nil.
func (k *BatchKeys) Conflict(credit, code string) error {
	switch {
	case credit != "" && k.credit[credit]:
		return Duplicate("creditCode")
	case code != "" && k.code[code]:
		return Duplicate("code")
	}
	return nil
}

// Claim records a customer's keys.
func (k *BatchKeys) Claim(credit, code string) {
	if k.credit == nil {
		k.credit, k.code = map[string]bool{}, map[string]bool{}
	}
	if credit != "" {
		k.credit[credit] = true
	}
	if code != "" {
		k.code[code] = true
	}
}

// KeepIdentities remembers the ID, Code and Version of each of customers,
// for a store's InsertMany, which sets them as it inserts: codes are the
// codes as given ("" for a customer to number), and restore(i) puts
// customer i's back (one left out of the batch, or all of them when the
// batch fails).
func KeepIdentities(customers []*Customer) (codes []string, restore func(i int)) {
	type given struct {
		id, code string
		version  int64
	}
	orig := make([]given, len(customers))
	codes = make([]string, len(customers))
	for i, c := range customers {
		orig[i] = given{c.ID, c.Code, c.Version}
		codes[i] = c.Code
	}
	return codes, func(i int) {
		c := customers[i]
		c.ID, c.Code, c.Version = orig[i].id, orig[i].code, orig[i].version
	}
}

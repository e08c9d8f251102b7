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

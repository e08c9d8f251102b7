package analytics

// SetSparseOnly makes EvaluateBlocks scan sparsely (true) or try the dense
// scan first (false, the default), for the tests that compare the two.
func SetSparseOnly(on bool) { sparseOnly = on }

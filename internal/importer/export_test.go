package importer

// SetAfterProgress makes j call fn after each progress of a job is stored
// (and read the job's cancel request back), for tests.
func SetAfterProgress(j *Jobs, fn func(id string)) { j.afterProgress = fn }

// SavedMappingKey is the setting a header row's mapping is kept under.
var SavedMappingKey = savedMappingKey

// SetSpillAbove sets how many bytes of cell text Read keeps in memory, for
// a test; it returns a function that restores the bound.
func SetSpillAbove(n int) (restore func()) {
	was := spillAbove
	spillAbove = n
	return func() { spillAbove = was }
}

package importer

// SetAfterProgress makes j call fn after each progress of a job is stored
// (and read the job's cancel request back), for tests.
func SetAfterProgress(j *Jobs, fn func(id string)) { j.afterProgress = fn }

// SavedMappingKey is the setting a header row's mapping is kept under.
var SavedMappingKey = savedMappingKey

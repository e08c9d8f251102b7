package crm

import (
	"fmt"
	"time"
)

// MaxSettingKeyBytes bounds the key of a setting (SettingStore).
const MaxSettingKeyBytes = 100

// Setting is the stored document of one SettingStore key, the same bytes
// in both stores. A store sets Value to the BSON document of the caller's
// value (bson.Raw), so it is an embedded document.
type Setting struct {
	Key       string    `bson:"_id"`
	Version   int64     `bson:"version"`
	Value     any       `bson:"value"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// CheckSettingKey returns BAD_USER_INPUT on field "key" for an empty key
// or one over MaxSettingKeyBytes bytes.
func CheckSettingKey(key string) error {
	p := NewProblems()
	switch {
	case key == "":
		p.Fail("key", ReasonRequired, nil, "is required")
	case len(key) > MaxSettingKeyBytes:
		p.Fail("key", ReasonTooLong, map[string]any{"max": MaxSettingKeyBytes},
			"is %d bytes long, over the limit of %d", len(key), MaxSettingKeyBytes)
	}
	return p.Err()
}

// SettingConflict is the CONFLICT of a SettingStore.Put whose
// expectedVersion is not the stored version (or 0 for a key that exists).
func SettingConflict(key string, expectedVersion int64) *Error {
	msg := fmt.Sprintf("is not the stored version of setting %q", key)
	if expectedVersion == 0 {
		msg = fmt.Sprintf("is 0 but setting %q exists", key)
	}
	return &Error{Code: CodeConflict,
		Message: "setting " + key + " was changed by someone else since you read it; read it again and apply your change",
		Fields:  []FieldError{{Field: "expectedVersion", Message: msg, Reason: ReasonInvalid}}}
}

package mongodb

// TextPrefilter exposes the text index's prefilter to the tests.
var TextPrefilter = textPrefilter

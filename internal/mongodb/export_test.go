package mongodb

// TextPrefilter exposes the text index's prefilter to the tests.
var TextPrefilter = textPrefilter

// GramsVersion is the version the store writes on documents with grams.
const GramsVersion = gramsVersion

package ident

// ExtractWork is Extract, with the number of candidates it weighed.
var ExtractWork = extract

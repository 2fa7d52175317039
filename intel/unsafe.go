package intel

import "unsafe"

// unsafeString views b as a string without copying; b must not change afterwards (the index
// arena never does).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

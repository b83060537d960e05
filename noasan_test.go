//go:build linux && cgo && !asan

package liburing

// asanEnabled is true under go test -asan, whose allocator keeps freed C
// memory in quarantine and maps shadow memory as it goes.
const asanEnabled = false

// Package parity is a C-parity oracle for io_uring implementations: it
// tells the author of a pure-Go io_uring library whether the SQEs, structs,
// constants and ring handling of the library equal C liburing's.
//
// # What it holds
//
//   - Canonical vectors: for each of liburing 2.6's 85 io_uring_prep_*
//     helpers (Helpers), argument sets (Cases: zero, basic, pattern, max,
//     min, minus1 and special values such as flag combinations, direct and
//     IORING_FILE_INDEX_ALLOC file indexes, and truncation edges) with the
//     exact 64 SQE bytes the linked C liburing builds for each.
//   - Layout and constant tables: sizes and member offsets of the structs
//     and the values of the constants, as the C headers compile them.
//   - A harness: Implementation, a small interface a library adapts to,
//     CheckPreps, which runs every vector and reports each SQE field that
//     differs (field, C's value, the library's value, arguments), and
//     CheckTables.
//   - Live differential scenarios (Scenarios, RunLive): the same sequence of
//     setup, register, submit and reap calls through C liburing and through
//     the library, on the real kernel, with the two transcripts compared.
//
// The golden files (golden/liburing-2.6.json, golden/liburing-2.9.json,
// also embedded: LoadGolden) hold the vectors and tables for projects that
// cannot use cgo; a test keeps the file of the linked version equal to what
// C builds (`make golden` rewrites it). The two versions differ only in
// io_uring_prep_read_multishot (2.7 and later set IOSQE_BUFFER_SELECT) and
// in IORING_OP_LAST, IORING_REGISTER_LAST and IO_URING_VERSION_MINOR.
//
// # Adapting a library
//
//	type myImpl struct{}
//	func (myImpl) Name() string { return "mylib" }
//	func (myImpl) Preps() map[string]parity.PrepFunc {
//		return map[string]parity.PrepFunc{
//			"io_uring_prep_read": func(s *parity.SQE, a parity.Args) {
//				(*mylib.SQE)(unsafe.Pointer(s)).PrepRead(a.Int(0), a.Uintptr(1), a.Uint32(2), a.Uint64(3))
//			},
//			// ...
//		}
//	}
//	g, _ := parity.LoadGolden("2.6")
//	rep, _ := parity.CheckPreps(myImpl{}, g.Vectors)
//	rep.WriteMarkdown(os.Stdout, false)
//
// Args are the C arguments in C's order; pointer arguments point into an
// arena of mmap memory (Slots) that holds the objects C would be given (a
// timespec, iovecs, a msghdr, paths), so an adapter whose API takes Go
// values can build them from it. Every vector starts from a stale SQE
// (every byte StaleByte); an implementation whose get-SQE call clears
// fields implements SQEResetter. Optional interfaces add the other checks:
// ConstantProvider and LayoutProvider for the tables, RingMaker (with Ring
// and the registrar interfaces) and MemRingMaker for the live scenarios.
// The live scenarios and the C side need cgo (Reference); the vectors,
// tables and harness do not.
//
// crosscheck/ in this repository adapts giouring and go-uring.
package parity

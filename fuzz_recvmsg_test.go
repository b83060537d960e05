//go:build linux && cgo

package liburing

import (
	"encoding/binary"
	"math"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fuzzRecvmsgSeed lays out one message as multishot recvmsg writes it: a
// RecvmsgOut header, a 16-byte name area, a 32-byte control area holding one
// 20-byte cmsg, then a 5-byte payload.
func fuzzRecvmsgSeed() []byte {
	b := make([]byte, 16+16+32+5)
	le := binary.LittleEndian
	le.PutUint32(b[0:], 16)  // namelen
	le.PutUint32(b[4:], 24)  // controllen the kernel wrote
	le.PutUint32(b[8:], 5)   // payloadlen
	le.PutUint32(b[12:], 0)  // flags
	le.PutUint64(b[32:], 20) // cmsg_len
	le.PutUint32(b[40:], unix.SOL_SOCKET)
	le.PutUint32(b[44:], unix.SCM_RIGHTS)
	copy(b[64:], "hello")
	return b
}

// FuzzRecvmsgOut runs the multishot recvmsg helpers on random buffers and
// random name and control sizes: they never crash, RecvmsgValidate accepts
// exactly the buffers that hold the reserved areas, and every pointer and
// length they return stays within the buffer; the cmsg walk ends.
func FuzzRecvmsgOut(f *testing.F) {
	seed := fuzzRecvmsgSeed()
	f.Add(seed, int32(len(seed)), uint32(16), uint64(32))
	f.Add(seed, int32(len(seed)-6), uint32(16), uint64(32))
	f.Add(seed, int32(-1), uint32(0), uint64(0))
	f.Add([]byte{}, int32(0), uint32(0), uint64(0))
	f.Add(seed, int32(len(seed)), uint32(0), uint64(math.MaxUint64-15))
	f.Add(seed, int32(len(seed)), uint32(16), uint64(0))
	wrap := fuzzRecvmsgSeed() // a cmsg_len that wraps liburing's pointer arithmetic
	binary.LittleEndian.PutUint32(wrap[4:], 32)
	binary.LittleEndian.PutUint64(wrap[32:], math.MaxUint64-15)
	f.Add(wrap, int32(len(wrap)), uint32(16), uint64(32))
	f.Fuzz(func(t *testing.T, content []byte, bufLen int32, namelen uint32, controllen uint64) {
		buf, err := AllocBuffer(len(content) + 1)
		if err != nil {
			t.Fatal(err)
		}
		defer FreeBuffer(buf)
		copy(buf, content)
		bufLen = min(bufLen, int32(len(content))) // the caller never claims more than it has
		msgh := &unix.Msghdr{Namelen: namelen, Controllen: controllen}
		base := unsafe.Pointer(&buf[0])
		o := RecvmsgValidate(base, int(bufLen), msgh)
		// What the reserved areas need, without wrapping.
		need, fits := uint64(16)+uint64(namelen), bufLen >= 0
		if controllen > math.MaxUint64-need {
			fits = false
		} else {
			need += controllen
			fits = fits && uint64(bufLen) >= need
		}
		if !fits {
			if o != nil {
				t.Fatalf("RecvmsgValidate(len %d, namelen %d, controllen %d) accepted a buffer too short for the areas",
					bufLen, namelen, controllen)
			}
			return
		}
		if unsafe.Pointer(o) != base {
			t.Fatalf("RecvmsgValidate(len %d, need %d) = %p, want the buffer %p", bufLen, need, o, base)
		}
		fuzzRecvmsgCheck(t, o, uintptr(base), int(bufLen), msgh)
	})
}

// fuzzRecvmsgCheck checks a validated buffer [base, base+bufLen).
func fuzzRecvmsgCheck(t *testing.T, o *RecvmsgOut, base uintptr, bufLen int, msgh *unix.Msghdr) {
	end := base + uintptr(bufLen)
	if got := uintptr(RecvmsgName(o)); got != base+16 {
		t.Fatalf("RecvmsgName = %#x, want header end %#x", got, base+16)
	}
	ctl := base + 16 + uintptr(msgh.Namelen)
	payload := ctl + uintptr(msgh.Controllen)
	if got := uintptr(RecvmsgPayload(o, msgh)); got != payload || got > end {
		t.Fatalf("RecvmsgPayload = %#x, want %#x within [%#x, %#x]", got, payload, base, end)
	}
	if got := RecvmsgPayloadLength(o, bufLen, msgh); uintptr(got) != end-payload {
		t.Fatalf("RecvmsgPayloadLength = %d, want %d", got, end-payload)
	}
	ctlEnd := ctl + uintptr(msgh.Controllen) // the control area msgh reserved
	prev := uintptr(0)
	for i, c := 0, RecvmsgCmsgFirsthdr(o, msgh); c != nil; i, c = i+1, RecvmsgCmsgNexthdr(o, msgh, c) {
		at := uintptr(unsafe.Pointer(c))
		if at < ctl || at+unsafe.Sizeof(*c) > ctlEnd || at <= prev {
			t.Fatalf("cmsg %d at %#x (len %d): outside the control area [%#x, %#x) or not after %#x (header controllen %d, msgh controllen %d)",
				i, at, c.Len, ctl, ctlEnd, prev, o.Controllen, msgh.Controllen)
		}
		if i > int(msgh.Controllen)/int(unsafe.Sizeof(*c)) {
			t.Fatalf("cmsg walk did not end after %d headers", i)
		}
		prev = at
	}
}

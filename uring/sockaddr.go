//go:build linux && cgo

package uring

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockAddr is a parsed socket address: an IP address and port, or a Unix
// socket path.
type sockAddr struct {
	ap   netip.AddrPort
	path string // for AF_UNIX
	unix bool
}

func (a sockAddr) family() int {
	switch {
	case a.unix:
		return unix.AF_UNIX
	case a.ap.Addr().Is4():
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// put writes the address as a struct sockaddr at dst (C memory of at least
// 128 bytes) and returns its length.
func (a sockAddr) put(dst unsafe.Pointer) (uint32, error) {
	switch {
	case a.unix:
		sa := (*unix.RawSockaddrUnix)(dst)
		*sa = unix.RawSockaddrUnix{Family: unix.AF_UNIX}
		if len(a.path) >= len(sa.Path) {
			return 0, unix.EINVAL
		}
		for i := 0; i < len(a.path); i++ {
			sa.Path[i] = int8(a.path[i])
		}
		n := uint32(unsafe.Offsetof(sa.Path)) + uint32(len(a.path)) + 1
		if len(a.path) > 0 && a.path[0] == '@' { // abstract socket
			sa.Path[0] = 0
			n--
		}
		return n, nil
	case a.ap.Addr().Is4():
		sa := (*unix.RawSockaddrInet4)(dst)
		*sa = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: a.ap.Addr().As4()}
		putPort(&sa.Port, a.ap.Port())
		return unix.SizeofSockaddrInet4, nil
	}
	sa := (*unix.RawSockaddrInet6)(dst)
	*sa = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: a.ap.Addr().As16()}
	putPort(&sa.Port, a.ap.Port())
	if z := a.ap.Addr().Zone(); z != "" {
		if ifi, err := net.InterfaceByName(z); err == nil {
			sa.Scope_id = uint32(ifi.Index)
		} else if n, err := strconv.Atoi(z); err == nil {
			sa.Scope_id = uint32(n)
		}
	}
	return unix.SizeofSockaddrInet6, nil
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}

// netAddr turns what getsockname/getpeername return into a net.Addr.
func netAddr(network string, sa unix.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(sa.Addr[:]).To16(), Port: sa.Port}
	case *unix.SockaddrInet6:
		a := &net.TCPAddr{IP: net.IP(sa.Addr[:]), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			} else {
				a.Zone = strconv.Itoa(int(sa.ZoneId))
			}
		}
		return a
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: network}
	}
	return nil
}

var errNetwork = errors.New("uring: unsupported network (want tcp, tcp4, tcp6 or unix)")

// resolve parses address for network, looking a host name up under ctx.
// For a listener, an empty host means every address.
func resolve(ctx context.Context, network, address string, listen bool) ([]sockAddr, error) {
	switch network {
	case "unix":
		return []sockAddr{{unix: true, path: address}}, nil
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := net.DefaultResolver.LookupPort(ctx, network, portStr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		if !listen {
			host = "localhost"
		} else if network == "tcp6" {
			return []sockAddr{{ap: netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(port))}}, nil
		} else {
			return []sockAddr{{ap: netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(port))}}, nil
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []sockAddr{{ap: netip.AddrPortFrom(ip.Unmap(), uint16(port))}}, nil
	}
	ipnet := "ip"
	switch network {
	case "tcp4":
		ipnet = "ip4"
	case "tcp6":
		ipnet = "ip6"
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, ipnet, host)
	if err != nil {
		return nil, err
	}
	var out []sockAddr
	for _, ip := range ips {
		out = append(out, sockAddr{ap: netip.AddrPortFrom(ip.Unmap(), uint16(port))})
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no suitable address", Name: host, IsNotFound: true}
	}
	return out, nil
}

// netinfo: Go's view of the network (net.Interfaces and net.InterfaceAddrs, both read
// over NETLINK_ROUTE). Prints one line per interface and per address, checks that lo has
// 127.0.0.1 and, with arguments NAME ADDR, that interface NAME has ADDR; the last line is
// "PASS go_netinfo".
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	want := map[string]string{"lo": "127.0.0.1"}
	if len(os.Args) == 3 {
		want[os.Args[1]] = os.Args[2]
	}
	ifs, err := net.Interfaces()
	if err != nil {
		fail("net.Interfaces: %v", err)
	}
	seen := map[string]bool{}
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		if err != nil {
			fail("%s.Addrs: %v", ifc.Name, err)
		}
		var list []string
		for _, a := range addrs {
			list = append(list, a.String())
		}
		fmt.Printf("interface %d %s mtu %d hw %q flags %v addrs %s\n", ifc.Index, ifc.Name,
			ifc.MTU, ifc.HardwareAddr.String(), ifc.Flags, strings.Join(list, ","))
		if addr, ok := want[ifc.Name]; ok {
			if ifc.Flags&net.FlagUp == 0 {
				fail("%s is not up", ifc.Name)
			}
			for _, a := range addrs {
				if ip, _, err := net.ParseCIDR(a.String()); err == nil && ip.String() == addr {
					seen[ifc.Name] = true
				}
			}
		}
		byIndex, err := net.InterfaceByIndex(ifc.Index)
		if err != nil || byIndex.Name != ifc.Name {
			fail("InterfaceByIndex(%d): %v %v", ifc.Index, byIndex, err)
		}
	}
	for name, addr := range want {
		if !seen[name] {
			fail("no %s on %s", addr, name)
		}
	}
	all, err := net.InterfaceAddrs()
	if err != nil {
		fail("net.InterfaceAddrs: %v", err)
	}
	for _, a := range all {
		fmt.Printf("addr %s\n", a.String())
	}
	if _, err := net.InterfaceByName("nosuch0"); err == nil {
		fail("InterfaceByName(nosuch0) succeeded")
	}
	fmt.Println("PASS go_netinfo")
}

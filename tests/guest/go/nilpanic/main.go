// nilpanic: run-time errors that the Go runtime builds from hardware faults (a nil pointer
// load and store: SIGSEGV; an integer division by zero: SIGFPE) and from its own checks
// (index out of range, nil map store), each recovered with recover() as a runtime.Error
// with the right message. With the argument "crash" it then dereferences nil without
// recovering: the runtime prints "[signal SIGSEGV: segmentation violation code=0x1
// addr=0x48 pc=...]" (0x48: the offset of node.val) from the siginfo the kernel
// delivered, and exits with status 2.
// Ends with "PASS nilpanic" when not crashing.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

type node struct {
	pad  [64]byte
	next *node
	val  int
}

var (
	nilNode *node
	zero    = 0
	idx     = 5
	nilMap  map[string]int
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL nilpanic: "+format+"\n", args...)
	os.Exit(1)
}

// expect runs f, which must panic with a runtime.Error whose message contains want.
func expect(name, want string, f func()) {
	defer func() {
		r := recover()
		if r == nil {
			fail("%s: no panic", name)
		}
		err, ok := r.(runtime.Error)
		if !ok {
			fail("%s: panic value %T %v is not a runtime.Error", name, r, r)
		}
		if !strings.Contains(err.Error(), want) {
			fail("%s: %q does not contain %q", name, err.Error(), want)
		}
		fmt.Printf("%s: recovered: %s\n", name, err.Error())
	}()
	f()
}

//go:noinline
func load(n *node) int { return n.val }

//go:noinline
func store(n *node, v int) { n.next = &node{val: v} }

//go:noinline
func div(a, b int) int { return a / b }

func main() {
	const nilMsg = "invalid memory address or nil pointer dereference"
	expect("nil load", nilMsg, func() { _ = load(nilNode) })
	expect("nil store", nilMsg, func() { store(nilNode, 7) })
	// The same fault again: the handler must be re-armed after the first recovery.
	for i := 0; i < 3; i++ {
		expect("nil load again", nilMsg, func() { _ = load(nilNode) })
	}
	expect("divide", "integer divide by zero", func() { _ = div(1, zero) })
	expect("index", "index out of range [5] with length 3", func() {
		s := []int{1, 2, 3}
		_ = s[idx]
	})
	expect("nil map", "assignment to entry in nil map", func() { nilMap["x"] = 1 })
	if len(os.Args) > 1 && os.Args[1] == "crash" {
		fmt.Println("nilpanic: crashing")
		_ = load(nilNode)
		fail("survived a nil dereference")
	}
	fmt.Println("PASS nilpanic")
}

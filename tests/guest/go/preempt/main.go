// preempt: with GOMAXPROCS=1, goroutines spinning in loops that make no function call
// (so they have no cooperative preemption point) must still be preempted: the Go runtime
// does it asynchronously, its sysmon thread sending SIGURG to the spinning thread with
// tgkill and the signal handler redirecting it. Without that, main's time.Sleep would
// never return (first part) and the goroutine that sets the flag main spins on would
// never run (second part). A failure is a hang, caught by the test's timeout.
// Ends with "PASS preempt".
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

var spins, flag uint64

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL preempt: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	runtime.GOMAXPROCS(1)

	// Part 1: a spinner never yields; main sleeps and must get the CPU back each time,
	// and the spinner must have run in between.
	go func() {
		for {
			atomic.AddUint64(&spins, 1)
		}
	}()
	last := atomic.LoadUint64(&spins)
	for round := 0; round < 5; round++ {
		time.Sleep(20 * time.Millisecond)
		now := atomic.LoadUint64(&spins)
		if now == last {
			fail("round %d: the spinner did not run while main slept", round)
		}
		last = now
	}
	fmt.Println("preempt: main ran 5 times beside a spinning goroutine")

	// Part 2: main itself spins until another goroutine (runnable only if main is
	// preempted) sets the flag. The bound is far beyond any reasonable run.
	go func() { atomic.StoreUint64(&flag, 1) }()
	var i uint64
	for i = 0; i < 1<<62 && atomic.LoadUint64(&flag) == 0; i++ {
	}
	if atomic.LoadUint64(&flag) == 0 {
		fail("the flag was never set")
	}
	fmt.Println("preempt: a spinning main was preempted")
	fmt.Println("PASS preempt")
}

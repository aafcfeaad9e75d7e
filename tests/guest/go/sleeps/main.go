// sleeps: the Go timer machinery on top of the kernel's clocks, futex timeouts and
// preemption: time.Sleep never returns early (alone and with 100 sleepers at once), a
// Ticker's ticks arrive in order and no earlier than their period allows, time.After,
// time.AfterFunc and a stopped/reset Timer behave. Lower bounds and ordering only: a slow
// host only makes everything late, never early. Ends with "PASS sleeps".
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL sleeps: "+format+"\n", args...)
	os.Exit(1)
}

func sleeps() {
	for _, d := range []time.Duration{time.Microsecond, time.Millisecond, 10 * time.Millisecond,
		50 * time.Millisecond, 100 * time.Millisecond} {
		t0 := time.Now()
		time.Sleep(d)
		if e := time.Since(t0); e < d {
			fail("Sleep(%v) returned after %v", d, e)
		}
	}
	// The wall clock moves forward across a sleep too (no monotonic reading involved).
	w0 := time.Now().Round(0)
	time.Sleep(20 * time.Millisecond)
	if e := time.Now().Round(0).Sub(w0); e < 20*time.Millisecond {
		fail("wall clock advanced %v across Sleep(20ms)", e)
	}
}

func manySleepers() {
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := time.Duration(i%10+1) * 5 * time.Millisecond
			t0 := time.Now()
			time.Sleep(d)
			if e := time.Since(t0); e < d {
				errs <- fmt.Sprintf("sleeper %d: Sleep(%v) returned after %v", i, d, e)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		fail("%s", e)
	}
}

func ticker() {
	const period = 20 * time.Millisecond
	start := time.Now()
	tk := time.NewTicker(period)
	prev := start
	for k := 1; k <= 10; k++ {
		t := <-tk.C
		// The k-th tick received fired at start + j*period for some j >= k (ticks a slow
		// reader misses are dropped, never sent early).
		if min := start.Add(time.Duration(k) * period); t.Before(min) {
			fail("tick %d at %v, before %v", k, t.Sub(start), min.Sub(start))
		}
		if !t.After(prev) {
			fail("tick %d at %v not after the previous one at %v", k, t.Sub(start),
				prev.Sub(start))
		}
		if now := time.Now(); now.Before(t) {
			fail("tick %d received before it fired", k)
		}
		prev = t
	}
	tk.Stop()
}

func timers() {
	t0 := time.Now()
	<-time.After(30 * time.Millisecond)
	if e := time.Since(t0); e < 30*time.Millisecond {
		fail("time.After(30ms) fired after %v", e)
	}

	done := make(chan time.Duration, 1)
	t0 = time.Now()
	time.AfterFunc(25*time.Millisecond, func() { done <- time.Since(t0) })
	if e := <-done; e < 25*time.Millisecond {
		fail("AfterFunc(25ms) ran after %v", e)
	}

	// A stopped timer never fires; a reset one fires no earlier than its new duration.
	stopped := time.NewTimer(10 * time.Millisecond)
	if !stopped.Stop() {
		fail("Stop of a pending timer returned false")
	}
	tm := time.NewTimer(time.Hour)
	t0 = time.Now()
	tm.Reset(40 * time.Millisecond)
	<-tm.C
	if e := time.Since(t0); e < 40*time.Millisecond {
		fail("Reset(40ms) timer fired after %v", e)
	}
	select {
	case <-stopped.C:
		fail("a stopped timer fired")
	case <-time.After(30 * time.Millisecond):
	}
}

func main() {
	sleeps()
	manySleepers()
	ticker()
	timers()
	fmt.Println("PASS sleeps")
}

// goroutines: thousands of goroutines over channels and the sync primitives (WaitGroup,
// Mutex, RWMutex, Cond, Once, atomics). Each part prints "NAME VALUE"; the e2e test
// computes every VALUE itself (tests/e2e/test_go.py), so a lost wake-up, a torn update or
// a duplicated message shows as a wrong number, and a lost goroutine as a hang. The last
// lines are "numcpu N", "gomaxprocs N" and "PASS goroutines".
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

const (
	workers   = 2000  // goroutines of the channel fan-out
	jobs      = 20000 // values sent through it
	modulus   = 1000003
	lockers   = 1000 // goroutines fighting over one Mutex
	perLocker = 100  // increments each
	rwKeys    = 500  // writers (one key each) and readers of the RWMutex map
	condProd  = 8    // producers and consumers of the Cond queue
	condItems = 1000 // items per producer: 1..condItems
	ringSize  = 1000 // goroutines in the token ring
	ringLaps  = 10
	atomics   = 1000 // goroutines adding to one atomic counter
)

// fanout: jobs 1..jobs through `workers` goroutines; each sends back x*x mod modulus.
func fanout() uint64 {
	in := make(chan uint64)
	out := make(chan uint64, 64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range in {
				out <- x * x % modulus
			}
		}()
	}
	go func() {
		for x := uint64(1); x <= jobs; x++ {
			in <- x
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	var sum, n uint64
	for v := range out {
		sum += v
		n++
	}
	if n != jobs {
		fail("fanout: %d results, want %d", n, jobs)
	}
	return sum
}

// mutexCounter: a plain int incremented under a Mutex by many goroutines at once.
func mutexCounter() int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	count := 0
	for g := 0; g < lockers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perLocker; i++ {
				mu.Lock()
				count++
				mu.Unlock()
				if i%10 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	return count
}

// rwmap: writers store key k -> 3k under the write lock while readers scan under the read
// lock; a reader must never see a value other than 0 (absent) or 3k.
func rwmap() int {
	var mu sync.RWMutex
	m := make(map[int]int)
	var wg sync.WaitGroup
	var bad int64
	for k := 0; k < rwKeys; k++ {
		wg.Add(2)
		go func(k int) {
			defer wg.Done()
			mu.Lock()
			m[k] = 3 * k
			mu.Unlock()
		}(k)
		go func(k int) {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				mu.RLock()
				if v, ok := m[(k*7+i)%rwKeys]; ok && v != 3*((k*7+i)%rwKeys) {
					atomic.AddInt64(&bad, 1)
				}
				mu.RUnlock()
			}
		}(k)
	}
	wg.Wait()
	if bad != 0 {
		fail("rwmap: %d torn reads", bad)
	}
	sum := 0
	for _, v := range m {
		sum += v
	}
	return sum
}

// condQueue: a bounded queue (capacity 4) guarded by a Mutex with two Conds; condProd
// producers put 1..condItems each, condProd consumers take until they see a 0 sentinel.
func condQueue() int {
	var mu sync.Mutex
	notEmpty, notFull := sync.NewCond(&mu), sync.NewCond(&mu)
	var q []int
	put := func(v int) {
		mu.Lock()
		for len(q) == 4 {
			notFull.Wait()
		}
		q = append(q, v)
		notEmpty.Signal()
		mu.Unlock()
	}
	var prod, cons sync.WaitGroup
	sums := make([]int, condProd)
	for p := 0; p < condProd; p++ {
		prod.Add(1)
		go func() {
			defer prod.Done()
			for v := 1; v <= condItems; v++ {
				put(v)
			}
		}()
		cons.Add(1)
		go func(c int) {
			defer cons.Done()
			for {
				mu.Lock()
				for len(q) == 0 {
					notEmpty.Wait()
				}
				v := q[0]
				q = q[1:]
				notFull.Broadcast()
				mu.Unlock()
				if v == 0 {
					return
				}
				sums[c] += v
			}
		}(p)
	}
	prod.Wait()
	for c := 0; c < condProd; c++ {
		put(0)
	}
	cons.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	return total
}

// once: many goroutines race to one Once; its function must run exactly once, and every
// caller must return only after it finished.
func once() int {
	var o sync.Once
	var runs, after int64
	var wg sync.WaitGroup
	for g := 0; g < 1000; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Do(func() { atomic.AddInt64(&runs, 1) })
			if atomic.LoadInt64(&runs) == 1 {
				atomic.AddInt64(&after, 1)
			}
		}()
	}
	wg.Wait()
	return int(runs*10000 + after)
}

// ring: a token passed ringLaps times around ringSize goroutines, each adding its index.
func ring() int {
	chans := make([]chan int, ringSize+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < ringSize; i++ {
		go func(i int) {
			for v := range chans[i] {
				chans[i+1] <- v + i
			}
			close(chans[i+1])
		}(i)
	}
	v := 0
	for lap := 0; lap < ringLaps; lap++ {
		chans[0] <- v
		v = <-chans[ringSize]
	}
	close(chans[0])
	if _, ok := <-chans[ringSize]; ok {
		fail("ring: a value after close")
	}
	return v
}

// atomicSum: goroutine g adds g to one counter, and increments a second one with CAS.
func atomicSum() int64 {
	var sum, cas int64
	var wg sync.WaitGroup
	for g := 0; g < atomics; g++ {
		wg.Add(1)
		go func(g int64) {
			defer wg.Done()
			atomic.AddInt64(&sum, g)
			for {
				old := atomic.LoadInt64(&cas)
				if atomic.CompareAndSwapInt64(&cas, old, old+1) {
					break
				}
			}
		}(int64(g))
	}
	wg.Wait()
	if cas != atomics {
		fail("atomic: CAS counter %d, want %d", cas, atomics)
	}
	return sum
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL goroutines: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	fmt.Printf("fanout %d\n", fanout())
	fmt.Printf("mutex %d\n", mutexCounter())
	fmt.Printf("rwmap %d\n", rwmap())
	fmt.Printf("cond %d\n", condQueue())
	fmt.Printf("once %d\n", once())
	fmt.Printf("ring %d\n", ring())
	fmt.Printf("atomic %d\n", atomicSum())
	fmt.Printf("numcpu %d\n", runtime.NumCPU())
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))
	fmt.Println("PASS goroutines")
}

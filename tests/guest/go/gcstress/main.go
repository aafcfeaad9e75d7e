// gcstress: allocates TOTAL MiB (argument 1, default 1024) in chunks over time while
// keeping at most LIVE MiB (argument 2, default 16) reachable, so the total is several
// times the guest's memory and only a working collector keeps the program alive. Every
// chunk is filled with a pattern and checked before it is dropped (memory handed out
// twice, or pages lost under the collector, show as a mismatch). The heap in use must
// stay bounded: HeapAlloc under 4*LIVE+32 MiB after each explicit runtime.GC().
// Prints runtime.MemStats figures, then "PASS gcstress".
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

const mib = 1 << 20

func arg(i int, def int) int {
	if len(os.Args) <= i {
		return def
	}
	v, err := strconv.Atoi(os.Args[i])
	if err != nil || v <= 0 {
		fail("bad argument %q", os.Args[i])
	}
	return v
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL gcstress: "+format+"\n", args...)
	os.Exit(1)
}

// fill writes a pattern that depends on the chunk's serial number and every word's place.
func fill(b []uint64, serial uint64) {
	for i := range b {
		b[i] = serial*0x9E3779B97F4A7C15 ^ uint64(i)
	}
}

func check(b []uint64, serial uint64) {
	for i := range b {
		if b[i] != serial*0x9E3779B97F4A7C15^uint64(i) {
			fail("chunk %d word %d: %#x", serial, i, b[i])
		}
	}
}

func main() {
	total, live := arg(1, 1024), arg(2, 16)
	// Chunk sizes cycle through small and large objects (the large ones get their own spans).
	sizes := []int{64 << 10, 8 << 10, 256 << 10, 1 << 20, 24 << 10}
	window := make([][]uint64, 0, 4096)
	serials := make([]uint64, 0, 4096)
	var allocated, liveBytes int
	var serial uint64
	var maxHeap uint64
	var ms runtime.MemStats
	nextGC := 64 * mib
	for allocated < total*mib {
		n := sizes[int(serial)%len(sizes)]
		b := make([]uint64, n/8)
		fill(b, serial)
		window = append(window, b)
		serials = append(serials, serial)
		serial++
		allocated += n
		liveBytes += n
		for liveBytes > live*mib { // drop the oldest chunks, checking them first
			check(window[0], serials[0])
			liveBytes -= len(window[0]) * 8
			window[0] = nil
			window, serials = window[1:], serials[1:]
		}
		if allocated >= nextGC {
			nextGC += 64 * mib
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > maxHeap {
				maxHeap = ms.HeapAlloc
			}
			if ms.HeapAlloc > uint64(4*live+32)*mib {
				fail("HeapAlloc %d MiB after GC with %d MiB live", ms.HeapAlloc/mib, live)
			}
			// Compact the window's backing arrays now and then so they do not grow forever.
			window = append(make([][]uint64, 0, 4096), window...)
			serials = append(make([]uint64, 0, 4096), serials...)
		}
	}
	for i := range window {
		check(window[i], serials[i])
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.TotalAlloc < uint64(total)*mib {
		fail("TotalAlloc %d < %d MiB", ms.TotalAlloc/mib, total)
	}
	if ms.NumGC < uint32(total/64) {
		fail("only %d collections for %d MiB", ms.NumGC, total)
	}
	fmt.Printf("gcstress: allocated %d MiB in %d chunks, live at most %d MiB\n",
		allocated/mib, serial, live)
	fmt.Printf("gcstress: TotalAlloc %d MiB, Sys %d MiB, HeapSys %d MiB, max HeapAlloc %d MiB, "+
		"NumGC %d, PauseTotal %d us\n", ms.TotalAlloc/mib, ms.Sys/mib, ms.HeapSys/mib,
		maxHeap/mib, ms.NumGC, ms.PauseTotalNs/1000)
	fmt.Println("PASS gcstress")
}

// osignal: os/signal on top of rt_sigaction, kill, tgkill and the runtime's signal-forwarding
// thread: SIGUSR1 sent with kill to the process and with tgkill to the calling thread
// reaches the channel registered with signal.Notify; SIGUSR2 reaches both channels
// registered for it; an ignored SIGHUP does nothing; after signal.Stop the channel gets
// nothing more. Each wait is bounded (a lost signal fails, it does not hang).
// Ends with "PASS osignal".
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

const patience = 60 * time.Second // a failure bound, not a timing check

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL osignal: "+format+"\n", args...)
	os.Exit(1)
}

func receive(name string, c chan os.Signal, want os.Signal) {
	select {
	case s := <-c:
		if s != want {
			fail("%s: received %v, want %v", name, s, want)
		}
		fmt.Printf("osignal: %s: received %v\n", name, s)
	case <-time.After(patience):
		fail("%s: no %v within %v", name, want, patience)
	}
}

func quiet(name string, c chan os.Signal) {
	select {
	case s := <-c:
		fail("%s: unexpected %v", name, s)
	case <-time.After(50 * time.Millisecond):
	}
}

func main() {
	usr1 := make(chan os.Signal, 4)
	signal.Notify(usr1, syscall.SIGUSR1)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		fail("kill: %v", err)
	}
	receive("kill", usr1, syscall.SIGUSR1)

	runtime.LockOSThread()
	if err := syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGUSR1); err != nil {
		fail("tgkill: %v", err)
	}
	runtime.UnlockOSThread()
	receive("tgkill", usr1, syscall.SIGUSR1)

	a, b := make(chan os.Signal, 1), make(chan os.Signal, 1)
	signal.Notify(a, syscall.SIGUSR2)
	signal.Notify(b, syscall.SIGUSR2)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR2); err != nil {
		fail("kill: %v", err)
	}
	receive("usr2 first channel", a, syscall.SIGUSR2)
	receive("usr2 second channel", b, syscall.SIGUSR2)

	signal.Ignore(syscall.SIGHUP)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		fail("kill: %v", err)
	}
	quiet("ignored SIGHUP", usr1)

	signal.Stop(usr1)
	signal.Notify(a, syscall.SIGUSR1) // keeps SIGUSR1 caught, so the process survives
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		fail("kill: %v", err)
	}
	receive("after Stop, the other channel", a, syscall.SIGUSR1)
	quiet("stopped channel", usr1)
	fmt.Println("PASS osignal")
}

package childproc

import (
	"fmt"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// childAttr makes the child die with the thread that started it, which
// startLowered keeps alive until the child has exited: so the child dies
// exactly when the parent process does, however it ends. The child has a
// process group of its own, so that a terminal's Ctrl-C or a service
// manager's signal to the parent's group reaches the parent alone, which
// stops its children in its own order.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// startLowered starts cmd from a thread of its own whose niceness is
// raised by nice and which runs only on those of cpus it may run on (any
// when empty, or when it may run on none of them: a cpuset narrowed since
// the list was made), so the child inherits both, and waits for the child
// there, closing exited when it has. The thread is never handed back to the
// Go scheduler: it ends with the wait, its lowered priority and narrowed
// CPUs with it.
func startLowered(cmd *exec.Cmd, nice int, cpus []int, exited chan struct{}) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked, on purpose
		if err := narrowThread(cpus); err != nil {
			started <- err
			return
		}
		if nice != 0 {
			// On Linux the priority is the calling thread's; the kernel
			// reports it as 20 - nice.
			cur, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
			if err == nil {
				err = syscall.Setpriority(syscall.PRIO_PROCESS, 0, min(20-cur+nice, 19))
			}
			if err != nil {
				started <- err
				return
			}
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
	}()
	return <-started
}

// narrowThread keeps the calling thread to those of cpus it may run on
// now; it is left alone when cpus is empty or holds none of them.
func narrowThread(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	var may, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &may); err != nil { // 0: this thread
		return fmt.Errorf("CPUs of this thread: %w", err)
	}
	for _, c := range cpus {
		if c >= 0 && may.IsSet(c) {
			set.Set(c)
		}
	}
	if set.Count() == 0 {
		return nil
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("run on CPUs %v: %w", cpus, err)
	}
	return nil
}

// AvailableCPUs are the CPUs this process may run on (its affinity, which
// a cpuset or taskset narrows), in increasing order.
func AvailableCPUs() ([]int, error) { return CPUsOf(0) }

// CPUsOf are the CPUs the process (or thread) pid may run on, in
// increasing order; pid 0 is the calling thread.
func CPUsOf(pid int) ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(pid, &set); err != nil {
		return nil, fmt.Errorf("CPUs of process %d: %w", pid, err)
	}
	var cpus []int
	for c := 0; len(cpus) < set.Count(); c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

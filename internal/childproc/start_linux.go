package childproc

import (
	"os/exec"
	"runtime"
	"syscall"
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
// raised by nice, so the child inherits it, and waits for the child there,
// closing exited when it has. The thread is never handed back to the Go
// scheduler: it ends with the wait, its lowered priority with it.
func startLowered(cmd *exec.Cmd, nice int, exited chan struct{}) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked, on purpose
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

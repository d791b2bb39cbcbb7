//go:build !linux

package childproc

import (
	"os/exec"
	"syscall"
)

// childAttr is nothing special outside Linux: the child may outlive a
// killed parent.
func childAttr() *syscall.SysProcAttr { return nil }

// startLowered starts cmd at the parent's priority and on any CPU
// (niceness and CPU affinity are per thread only on Linux) and closes
// exited when it has exited.
func startLowered(cmd *exec.Cmd, _ int, _ []int, exited chan struct{}) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	return nil
}

// AvailableCPUs is unknown outside Linux: nil, so no CPU is kept apart.
func AvailableCPUs() ([]int, error) { return nil, nil }

// CPUsOf is unknown outside Linux: nil.
func CPUsOf(int) ([]int, error) { return nil, nil }

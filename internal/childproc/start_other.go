//go:build !linux

package childproc

import (
	"os/exec"
	"syscall"
)

// childAttr is nothing special outside Linux: the child may outlive a
// killed parent.
func childAttr() *syscall.SysProcAttr { return nil }

// startLowered starts cmd at the parent's priority (niceness is per thread
// only on Linux) and closes exited when it has exited.
func startLowered(cmd *exec.Cmd, _ int, exited chan struct{}) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	return nil
}

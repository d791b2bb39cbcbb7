// Package childproc runs a part of chatlift (the embedded engine, a
// worker) as a supervised child process at a lower CPU priority and on
// chosen CPUs: it dies with its parent, even a SIGKILLed one, and is
// started again when it exits on its own.
//
// A child is started from a thread of its own (its priority lowered, its
// CPUs narrowed, and the child's death signal tied to it) that ends when
// the child does. Go never ends the main thread, so a program using this
// package keeps its main goroutine on the main thread (runtime.LockOSThread
// in an init function); otherwise the main thread may be one of those, and
// stays lowered and narrowed, idle, after its child is gone.
package childproc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config is how Start runs a child.
type Config struct {
	// Name names the child in errors and logs ("engine", "worker 1").
	Name string
	// Command is the program and its arguments.
	Command []string
	// Ready starts the line the child prints on its standard output once it
	// serves; Start returns the rest of that line.
	Ready string
	// Timeout bounds the wait for that line (default 1 min).
	Timeout time.Duration
	// Nice is added to the child's niceness (Linux): when the machine's
	// CPUs are all busy, the kernel runs the parent's threads first.
	Nice int
	// CPUs are the only CPUs the child runs on (Linux); empty: any. A
	// parent that keeps CPUs out of its children's reach gets them to
	// itself whenever it needs them.
	CPUs []int
	// Env is added to the child's environment (which is this process's).
	Env []string
	// Stderr receives the child's standard error (its logs); nil discards.
	Stderr io.Writer
	// Logger records the child's exits and restarts; nil discards.
	Logger *slog.Logger
}

// Process is a supervised child.
type Process struct {
	cfg   Config
	log   *slog.Logger
	ready string

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{} // closed when cmd has exited
	stopOnce sync.Once
	stopping chan struct{} // closed by Stop
	done     chan struct{} // closed when the supervisor has returned
}

// Start starts the child and returns once it has printed its Ready line,
// or when ctx ends, or after Timeout.
func Start(ctx context.Context, cfg Config) (*Process, error) {
	if len(cfg.Command) == 0 {
		return nil, fmt.Errorf("%s process: no command", cfg.Name)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	p := &Process{cfg: cfg, log: cfg.Logger, done: make(chan struct{}), stopping: make(chan struct{})}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.log = p.log.With("process", cfg.Name)
	ready, err := p.start()
	if err == nil {
		err = p.awaitReady(ctx, ready)
	}
	if err != nil {
		p.kill()
		return nil, err
	}
	go p.supervise()
	return p, nil
}

// Ready is what followed the Ready prefix on the child's line (the first
// time it was started).
func (p *Process) Ready() string { return p.ready }

// Pid is the current child's process id.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// PeakRSS is the current child's peak resident memory in bytes (VmHWM;
// Linux), 0 when unknown.
func (p *Process) PeakRSS() int64 {
	hwm, ok := statusField(p.Pid(), "VmHWM")
	if !ok {
		return 0
	}
	kb, _ := strconv.ParseInt(strings.TrimSuffix(hwm, " kB"), 10, 64)
	return kb << 10
}

// statusField is a field of /proc/pid/status (Linux), trimmed; false when
// the process (or thread) or the field is not there.
func statusField(pid int, name string) (string, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// start starts the child; the channel gets the rest of its Ready line.
func (p *Process) start() (<-chan string, error) {
	cmd := exec.Command(p.cfg.Command[0], p.cfg.Command[1:]...)
	cmd.Stderr = p.cfg.Stderr
	if len(p.cfg.Env) > 0 {
		cmd.Env = append(os.Environ(), p.cfg.Env...)
	}
	cmd.SysProcAttr = childAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	if err := startLowered(cmd, p.cfg.Nice, p.cfg.CPUs, exited); err != nil {
		// Start closes the pipe's two ends when it fails itself, not when the
		// thread fails before it.
		stdout.Close()
		if w, ok := cmd.Stdout.(io.Closer); ok {
			w.Close()
		}
		return nil, fmt.Errorf("start the %s process: %w", p.cfg.Name, err)
	}
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.mu.Unlock()
	ready := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), p.cfg.Ready); ok {
				select {
				case ready <- strings.TrimSpace(rest):
				default:
				}
			}
		}
	}()
	return ready, nil
}

// awaitReady waits for the child's Ready line.
func (p *Process) awaitReady(ctx context.Context, ready <-chan string) error {
	timer := time.NewTimer(p.cfg.Timeout)
	defer timer.Stop()
	p.mu.Lock()
	exited := p.exited
	p.mu.Unlock()
	select {
	case rest := <-ready:
		if p.ready == "" {
			p.ready = rest
		}
		return nil
	case <-exited:
		return fmt.Errorf("the %s process exited before it was ready (its errors are in the log)", p.cfg.Name)
	case <-timer.C:
		return fmt.Errorf("the %s process was not ready within %s", p.cfg.Name, p.cfg.Timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// supervise starts the child again whenever it exits before Stop: after a
// second, doubled (up to 30 s) while it keeps failing within a minute.
func (p *Process) supervise() {
	defer close(p.done)
	backoff := time.Second
	for {
		p.mu.Lock()
		exited, cmd := p.exited, p.cmd
		p.mu.Unlock()
		started := time.Now()
		<-exited
		if p.isStopped() {
			return
		}
		if time.Since(started) > time.Minute { // it had been running: not a crash loop
			backoff = time.Second
		}
		p.log.Error("child process exited; starting it again", "state", cmd.ProcessState.String(), "in", backoff)
		select {
		case <-p.stopping:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
		ready, err := p.start()
		if err != nil {
			p.log.Error("child process", "err", err)
			p.mu.Lock()
			p.exited = closedChan()
			p.mu.Unlock()
			continue
		}
		if err := p.awaitReady(context.Background(), ready); err != nil {
			p.log.Error("child process", "err", err)
			p.kill()
			continue
		}
		p.log.Info("child process ready again")
	}
}

func (p *Process) isStopped() bool {
	select {
	case <-p.stopping:
		return true
	default:
		return false
	}
}

// Stop asks the child to stop (SIGTERM) and waits for it; after 20 s it is
// killed. A child being started again meanwhile is stopped too.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() { close(p.stopping) })
	for {
		p.mu.Lock()
		cmd, exited := p.cmd, p.exited
		p.mu.Unlock()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			p.kill()
		}
		select {
		case <-p.done:
			if !cmd.ProcessState.Success() && !signalled(cmd, syscall.SIGTERM) {
				return fmt.Errorf("the %s process: %s", p.cfg.Name, cmd.ProcessState)
			}
			return nil
		case <-time.After(100 * time.Millisecond): // it was being started again
		}
	}
}

func (p *Process) kill() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Kill()
		<-exited
	}
}

// signalled reports whether cmd ended by sig.
func signalled(cmd *exec.Cmd, sig syscall.Signal) bool {
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

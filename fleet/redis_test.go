package fleet

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server this test started, on a port of its
// own, without persistence; stop and start keep the port, so that the
// fleet's clients find it again.
type redisServer struct {
	t    *testing.T
	path string
	port int
	cmd  *exec.Cmd
}

// startRedis starts redis-server, found on PATH: missing, the test fails
// in CI and is skipped elsewhere. It is stopped when the test ends.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server not found (%v): CI must install it (apt-get install redis-server)", err)
		}
		t.Skipf("redis-server not found (%v): install it (apt-get install redis-server) to run the fleet tests", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &redisServer{t: t, path: path, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *redisServer) url() string { return "redis://" + r.addr() + "/0" }

// start runs redis-server and waits until it answers PING.
func (r *redisServer) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.path, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "no")
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.stop()
			r.t.Fatalf("redis-server on %s did not answer: %v", r.addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills redis-server, as an outage would, and waits for it.
func (r *redisServer) stop() {
	if r.cmd == nil {
		return
	}
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	r.cmd.Wait()
	r.cmd = nil
}

// client is a Redis client of the test's own, as an operator (or an
// attacker with access to Redis) would have.
func (r *redisServer) client(t *testing.T) *redis.Client {
	rdb, err := Dial(r.url(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

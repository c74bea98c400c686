package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"text/tabwriter"
	"time"

	"padlock"
	"padlock/fleet"
)

// serve's fleet: with --fleet, the server shares its ticket keys, TLS
// 1.2 session IDs and 0-RTT single-use record with the other servers of
// a fleet through Redis (package fleet); with --admin, it serves its
// handshake counters as Prometheus text.

// fleetFlags are serve's fleet flags.
type fleetFlags struct {
	url, kek, admin *string
	rotate          *time.Duration
}

func (f *fleetFlags) register(fs *flagSet) {
	f.url = fs.String("fleet", "", "share ticket keys, TLS 1.2 session IDs and the 0-RTT single-use record with a fleet, through Redis at `URL` (redis://HOST:PORT/DB)")
	f.kek = fs.String("fleet-kek", "", "the key-encryption key that wraps the fleet's ticket keys in Redis: 64 hex digits or 32 bytes in `FILE` (needs --fleet)")
	f.rotate = fs.Duration("fleet-rotate", 24*time.Hour, "how long a fleet ticket key seals before the next takes over")
	f.admin = fs.String("admin", "", "serve the handshake counters as Prometheus text at http://`HOST:PORT`/metrics")
}

// fleetServer is what serve runs for its fleet flags.
type fleetServer struct {
	fleet   *fleet.Fleet // nil without --fleet
	rdb     io.Closer
	metrics *fleet.Metrics
	admin   *http.Server
}

// startFleet joins the fleet and starts the admin endpoint, as the flags
// say; it returns an exit status other than exitOK on failure.
func (s *server) startFleet(fs *flagSet, f *fleetFlags, cfg *padlock.Config) int {
	if *f.url == "" && *f.kek != "" {
		return fs.usageError("--fleet-kek needs --fleet")
	}
	if *f.url != "" && *f.kek == "" {
		return fs.usageError("--fleet needs --fleet-kek: Redis must not be able to open the tickets")
	}
	fl := &fleetServer{metrics: &fleet.Metrics{}}
	s.fleet = fl
	if *f.url != "" {
		kek, err := fleet.LoadKEK(*f.kek)
		if err != nil {
			return fs.usageError("--fleet-kek: %v", err)
		}
		rdb, err := fleet.Dial(*f.url, 100*time.Millisecond)
		if err != nil {
			return fs.usageError("--fleet: %v", err)
		}
		fl.rdb = rdb
		logger := slog.New(slog.NewTextHandler(s.log.Writer(), nil))
		fl.fleet, err = fleet.New(fleet.Options{Redis: rdb, KEK: kek, RotationPeriod: *f.rotate, Logger: logger})
		if err != nil {
			rdb.Close()
			return s.c.failf("serve", "--fleet: %v", err)
		}
		fl.fleet.Configure(cfg)
		fl.metrics = fl.fleet.Metrics()
	}
	if *f.admin != "" {
		ln, err := net.Listen("tcp", *f.admin)
		if err != nil {
			s.stopFleet()
			return s.c.failf("serve", "--admin: %v", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", fl.metrics)
		fl.admin = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
		fmt.Fprintf(s.c.stdout, "padlock serve: metrics on http://%s/metrics\n", ln.Addr())
		go fl.admin.Serve(ln)
	}
	return exitOK
}

// stopFleet stops what startFleet started.
func (s *server) stopFleet() {
	fl := s.fleet
	if fl == nil {
		return
	}
	if fl.admin != nil {
		fl.admin.Close()
	}
	if fl.fleet != nil {
		fl.fleet.Close()
		fl.rdb.Close()
	}
}

// observe counts a handshake for the metrics.
func (fl *fleetServer) observe(st padlock.ConnectionState, err error) {
	if fl != nil {
		fl.metrics.Observe(st, err)
	}
}

const fleetAbout = `
Shows the state a fleet of padlock servers (serve --fleet) shares in
Redis. "padlock fleet status URL" prints the ticket key ring: each key's
id and age, and when the next rotation is due; never a key's bytes. With
--kek it also says which keys open under that key-encryption key, as a
server given it would check them.
`

// fleetCmd runs "padlock fleet status URL".
func (c *cli) fleetCmd(args []string) int {
	fs := c.newFlags("fleet", "padlock fleet status redis://HOST:PORT/DB [flags]", fleetAbout)
	kekFile := fs.String("kek", "", "check the keys against the key-encryption key in `FILE`")
	prefix := fs.String("prefix", "padlock:fleet:", "the fleet's Redis key prefix")
	asJSON := fs.Bool("json", false, "print the ring as one JSON object")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for Redis")
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) != 2 || pos[0] != "status" {
		return fs.usageError("want: status URL")
	}
	var kek *fleet.KEK
	if *kekFile != "" {
		k, err := fleet.LoadKEK(*kekFile)
		if err != nil {
			return fs.usageError("--kek: %v", err)
		}
		kek = &k
	}
	rdb, err := fleet.Dial(pos[1], *timeout)
	if err != nil {
		return fs.usageError("%v", err)
	}
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(c.ctx, *timeout)
	defer cancel()
	st, err := fleet.ReadStatus(ctx, rdb, *prefix, kek)
	if err != nil {
		return c.failf("fleet", "%v", err)
	}
	now := c.now()
	rep := newFleetStatusReport(st, *prefix, kek != nil, now)
	if *asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintf(c.stdout, "%s\n", b)
		return exitOK
	}
	rep.print(c.stdout)
	if kek != nil && rep.refused > 0 {
		return c.failf("fleet", "%d keys of the ring do not open under %s", rep.refused, *kekFile)
	}
	return exitOK
}

// fleetStatusReport is "padlock fleet status --json".
type fleetStatusReport struct {
	Prefix        string           `json:"prefix"`
	PeriodSeconds int64            `json:"period_seconds"`
	NextRotation  string           `json:"next_rotation,omitempty"`
	Keys          []fleetKeyReport `json:"keys"`
	refused       int
}

// fleetKeyReport is one key of the ring: never its bytes.
type fleetKeyReport struct {
	ID         string `json:"id"`
	Created    string `json:"created"`
	AgeSeconds int64  `json:"age_seconds"`
	Opens      *bool  `json:"opens,omitempty"`
}

func newFleetStatusReport(st *fleet.Status, prefix string, checked bool, now time.Time) *fleetStatusReport {
	rep := &fleetStatusReport{Prefix: prefix, PeriodSeconds: int64(st.Period / time.Second), Keys: []fleetKeyReport{}}
	if !st.NextRotation.IsZero() {
		rep.NextRotation = st.NextRotation.UTC().Format(time.RFC3339)
	}
	for _, k := range st.Keys {
		kr := fleetKeyReport{ID: k.ID, Created: k.Created.UTC().Format(time.RFC3339), AgeSeconds: int64(now.Sub(k.Created) / time.Second)}
		if checked {
			kr.Opens = &k.Opens
			if !k.Opens {
				rep.refused++
			}
		}
		rep.Keys = append(rep.Keys, kr)
	}
	return rep
}

func (r *fleetStatusReport) print(w io.Writer) {
	if len(r.Keys) == 0 {
		fmt.Fprintf(w, "no ring under %sring: the first server of the fleet makes it\n", r.Prefix)
		return
	}
	keys := "keys"
	if len(r.Keys) == 1 {
		keys = "key"
	}
	fmt.Fprintf(w, "ring %sring: %d %s, rotated every %v; next rotation due %s\n", r.Prefix, len(r.Keys), keys,
		time.Duration(r.PeriodSeconds)*time.Second, r.NextRotation)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tcreated\tage\tunder the KEK")
	for _, k := range r.Keys {
		opens := "not checked"
		if k.Opens != nil {
			opens = map[bool]string{true: "opens", false: "REFUSED: does not open"}[*k.Opens]
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", printableID(k.ID), k.Created, time.Duration(k.AgeSeconds)*time.Second, opens)
	}
	tw.Flush()
}

// printableID is a key id as read from Redis, which anyone who can
// write there controls: kept to what a terminal shows as it is.
func printableID(id string) string {
	for _, r := range id {
		if r < 0x20 || r > 0x7e {
			return fmt.Sprintf("%q", id)
		}
	}
	return id
}

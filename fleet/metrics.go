package fleet

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"padlock"
)

// Reasons a ticket is rejected, as the metrics name them.
const (
	// reasonUnknownKey: no key of the ring opens the ticket: older than
	// the ring, another fleet's, or tampered with. A full handshake.
	reasonUnknownKey = iota
	// reasonReplay: the ticket's early data was accepted before, by
	// some server of the fleet. Early data rejected, 1-RTT handshake.
	reasonReplay
	// reasonStoreDown: Redis did not answer whether the ticket's early
	// data was accepted before. Early data rejected, 1-RTT handshake.
	reasonStoreDown
	numReasons
)

var reasonNames = [numReasons]string{"unknown_key", "early_data_replay", "early_data_store_unavailable"}

// Metrics counts what a fleet operator watches: handshakes full,
// resumed and with early data, tickets rejected by reason, and the
// ring's health. Its counters are fed by the fleet's stores and by
// Observe, never by padlock's handshake code.
type Metrics struct {
	full, resumed, earlyData atomic.Int64
	rejected                 [numReasons]atomic.Int64
	rotations                atomic.Int64 // rotations this server won
	refusedEntries           atomic.Int64 // ring entries that did not open, per read
	refusedRings             atomic.Int64 // rings refused whole
	ringKeys                 atomic.Int64
	redisUp                  atomic.Int64
}

// Metrics returns the fleet's counters.
func (f *Fleet) Metrics() *Metrics { return &f.metrics }

// Observe counts a server handshake by its outcome; failed handshakes
// (err != nil) are not counted.
func (m *Metrics) Observe(cs padlock.ConnectionState, err error) {
	if err != nil || !cs.HandshakeComplete && !cs.EarlyDataAccepted {
		return
	}
	if cs.DidResume {
		m.resumed.Add(1)
	} else {
		m.full.Add(1)
	}
	if cs.EarlyDataAccepted {
		m.earlyData.Add(1)
	}
}

// Handshakes returns the counts of full and resumed handshakes, and of
// those that accepted early data.
func (m *Metrics) Handshakes() (full, resumed, earlyData int64) {
	return m.full.Load(), m.resumed.Load(), m.earlyData.Load()
}

// Rejected returns the count of tickets rejected for a reason:
// "unknown_key", "early_data_replay" or "early_data_store_unavailable".
func (m *Metrics) Rejected(reason string) int64 {
	for i, n := range reasonNames {
		if n == reason {
			return m.rejected[i].Load()
		}
	}
	return 0
}

// WritePrometheus writes the counters in the Prometheus text format.
func (m *Metrics) WritePrometheus(w io.Writer) error {
	var err error
	p := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	p("# HELP padlock_fleet_handshakes_total Server handshakes completed, by kind.\n# TYPE padlock_fleet_handshakes_total counter\n")
	p("padlock_fleet_handshakes_total{kind=\"full\"} %d\n", m.full.Load())
	p("padlock_fleet_handshakes_total{kind=\"resumed\"} %d\n", m.resumed.Load())
	p("padlock_fleet_handshakes_total{kind=\"early_data\"} %d\n", m.earlyData.Load())
	p("# HELP padlock_fleet_tickets_rejected_total Tickets not resumed, or whose early data was rejected, by reason.\n# TYPE padlock_fleet_tickets_rejected_total counter\n")
	for i, n := range reasonNames {
		p("padlock_fleet_tickets_rejected_total{reason=%q} %d\n", n, m.rejected[i].Load())
	}
	p("# HELP padlock_fleet_rotations_total Ring rotations this server made.\n# TYPE padlock_fleet_rotations_total counter\n")
	p("padlock_fleet_rotations_total %d\n", m.rotations.Load())
	p("# HELP padlock_fleet_ring_refused_total Ring entries (kind=\"entry\") or whole rings (kind=\"ring\") refused as tampered or unreadable.\n# TYPE padlock_fleet_ring_refused_total counter\n")
	p("padlock_fleet_ring_refused_total{kind=\"entry\"} %d\n", m.refusedEntries.Load())
	p("padlock_fleet_ring_refused_total{kind=\"ring\"} %d\n", m.refusedRings.Load())
	p("# HELP padlock_fleet_ring_keys Ticket keys this server holds.\n# TYPE padlock_fleet_ring_keys gauge\n")
	p("padlock_fleet_ring_keys %d\n", m.ringKeys.Load())
	p("# HELP padlock_fleet_redis_up Whether Redis answered the last command.\n# TYPE padlock_fleet_redis_up gauge\n")
	p("padlock_fleet_redis_up %d\n", m.redisUp.Load())
	return err
}

// ServeHTTP serves the counters as Prometheus text.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.WritePrometheus(w)
}

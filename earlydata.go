package padlock

import (
	"crypto/sha256"
	"errors"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// 0-RTT data (RFC 8446 sections 2.3, 4.2.10, 8): a client resuming a
// session whose ticket allows it sends application data right behind its
// ClientHello, under client_early_traffic_secret, before the server has
// answered. The server reads it if it accepts, and skips it otherwise;
// the client learns which from the server's EncryptedExtensions. Early
// data has no protection against replay: the server accepts it once per
// ticket (section 8.1) and within a tight ticket-age window (section
// 8.3), and an application acts on it only when doing so twice is
// harmless.

// ReplayFilter records the tickets whose early data a server accepted, so
// that a ticket carries early data once (RFC 8446 section 8.1). Seen
// reports whether id, a ticket's identifier, was recorded before, and
// records it; it must be safe for concurrent use. A filter that cannot
// tell (it is full, or its shared store is down) returns true: the early
// data is then rejected and the client sends it again after the
// handshake, which costs a round trip, never a replay.
type ReplayFilter interface {
	Seen(id []byte) bool
}

// replayStoreSize bounds the default ReplayFilter's memory: some 64 bytes
// per ticket.
const replayStoreSize = 1 << 16

// earlyDataAgeWindow is how far a client's ticket age may stray from the
// server's for its early data to be accepted: tighter than the window of
// resumption itself (ticketAgeSkew), since it bounds how long a
// captured ClientHello can be replayed to a server whose replay store it
// is not in (RFC 8446 section 8.3).
const earlyDataAgeWindow = 10 * time.Second

// replayStore is the default ReplayFilter: the tickets seen, with when,
// in memory. A ticket older than its lifetime can no longer resume and is
// forgotten; when the store is full of younger ones, everything counts as
// seen.
type replayStore struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]time.Time
}

// Seen implements ReplayFilter.
func (s *replayStore) Seen(id []byte) bool {
	key := sha256.Sum256(id)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[key]; ok {
		return true
	}
	if len(s.seen) >= replayStoreSize {
		for k, t := range s.seen {
			if now.Sub(t) > ticketLifetime+ticketAgeSkew {
				delete(s.seen, k)
			}
		}
		if len(s.seen) >= replayStoreSize {
			return true
		}
	}
	s.seen[key] = now
	return false
}

// replayMu guards the creation of Config.replay.
var replayMu sync.Mutex

// replayFilter returns Config.EarlyDataReplay, or the Config's own
// in-memory store, made on first use and shared with its clones.
func (c *Config) replayFilter() ReplayFilter {
	if c.EarlyDataReplay != nil {
		return c.EarlyDataReplay
	}
	replayMu.Lock()
	defer replayMu.Unlock()
	if c.replay == nil {
		c.replay = &replayStore{seen: map[[sha256.Size]byte]time.Time{}}
	}
	return c.replay
}

// skippedEarlyDataLimit bounds the bytes of records of rejected early
// data a server skips: what its tickets allow, with room for record
// overhead, and never less than the fixed bound for other servers'
// tickets.
func (c *Config) skippedEarlyDataLimit() int {
	n := int(c.MaxEarlyData)
	return max(maxSkippedEarlyData, n+(n/record.MaxPlaintext+1)*256)
}

// acceptEarlyData decides whether the server reads the 0-RTT data the
// client offered (RFC 8446 section 4.2.10), and if it does derives
// client_early_traffic_secret from the ClientHello, which sendServerHello
// installs for reading.
func (hs *serverHandshake13) acceptEarlyData() error {
	c := hs.c
	if !hs.ch.EarlyData {
		return nil
	}
	if why := hs.earlyDataRefusal(); why != "" {
		c.traceStep(trace.StepResumption, trace.KindInfo, "early data rejected",
			"The client sent application data with its ClientHello (0-RTT); the server does not read it and skips its records. The client must send it again after the handshake.",
			field("reason", why))
		return nil
	}
	secret := hs.pskSched.ClientEarlyTrafficSecret(c.hsTr.sum())
	hs.clientEarly = keysched.NewTrafficSecret(hs.suite.Hash, secret)
	c.logKey(keyLogClientEarly, secret)
	c.traceSecrets13("early", "client_early_traffic_secret")
	c.state.EarlyDataAccepted = true
	c.traceStep(trace.StepResumption, trace.KindWarning, "early data accepted",
		"The server reads the application data the client sent with its ClientHello (0-RTT), before the handshake completes. An attacker may replay it: the server took the ticket only once, but the application must not act on it in ways that are harmful to repeat.",
		field("max_early_data_size", strconv.FormatUint(uint64(hs.psk.maxEarlyData), 10)))
	return nil
}

// earlyDataRefusal returns why the server does not accept the client's
// early data, "" when it does. The ticket goes into the replay filter
// last, so that only accepted early data uses it up.
func (hs *serverHandshake13) earlyDataRefusal() string {
	c, s := hs.c, hs.psk
	switch {
	case c.config.MaxEarlyData == 0:
		return "the server accepts no early data (Config.MaxEarlyData is 0)"
	case hs.retried:
		return "the server asked for another ClientHello, which rejects early data"
	case s == nil:
		return "the server did not resume the session"
	case hs.pskIndex != 0:
		return "the server resumed with a ticket other than the first offered"
	case s.maxEarlyData == 0:
		return "the ticket was issued without early data"
	case s.suite != hs.suite.ID:
		return "the cipher suite differs from the session's"
	case s.alpn != hs.alpn:
		return "the ALPN protocol differs from the session's"
	}
	id := hs.ch.PSKIdentities[0]
	age := c.config.now().Sub(time.Unix(int64(s.created), 0))
	clientAge := time.Duration(id.ObfuscatedTicketAge-s.ageAdd) * time.Millisecond
	if d := age - clientAge; d > earlyDataAgeWindow+time.Second || d < -earlyDataAgeWindow-time.Second {
		return "the client's ticket age is outside the early data window"
	}
	if c.config.replayFilter().Seen(id.Identity) {
		return "the ticket's early data was accepted before: a replay"
	}
	return ""
}

// pauseForEarlyData ends Handshake after the server's Finished when the
// server accepted early data, so that the application reads it at once,
// half a round trip before the client's Finished could come: Read returns
// it while ConnectionState().HandshakeComplete is false, and completes
// the handshake at the client's EndOfEarlyData (readEarlyRecord). The
// application's own check of the connection runs first: it must not see
// early data it would refuse the connection for.
func (hs *serverHandshake13) pauseForEarlyData() error {
	// The flight ends with the Finished: the ticket cannot join it,
	// since the client's EndOfEarlyData will be in the transcript its
	// resumption secret covers (finishAfterEarlyData sends it).
	if err := hs.endFlight(); err != nil {
		hs.wipe()
		return err
	}
	if err := hs.c.verifyConnection(); err != nil {
		hs.wipe()
		return err
	}
	hs.c.earlyHS = hs
	return nil
}

// readEarlyRecord reads one record of the client's early data for Read,
// which holds the read lock. Early data goes to dst when it fits there
// (n is then its length) or to pending; the client's EndOfEarlyData ends
// it, and the rest of the handshake follows.
func (hs *serverHandshake13) readEarlyRecord(dst []byte) (n int, err error) {
	c := hs.c
	defer func() {
		if err != nil && !isTimeout(err) && c.earlyHS != nil {
			// The connection ends here: so do the handshake's secrets.
			c.earlyHS = nil
			hs.wipe()
		}
	}()
	if len(c.in.hsBuf) == 0 {
		ct, b, err := c.readRecord()
		if err == io.EOF {
			return 0, c.peerClosedHandshake() // close_notify before EndOfEarlyData
		}
		if err != nil {
			return 0, err
		}
		switch {
		case ct == record.ApplicationData:
			limit := int(hs.psk.maxEarlyData)
			if hs.earlyRead+len(b) > limit {
				// RFC 8446 section 4.2.10: a server receiving more
				// "SHOULD terminate the connection with an
				// unexpected_message alert".
				return 0, alertf(alert.UnexpectedMessage, "early data exceeds the ticket's max_early_data_size of %d bytes", limit)
			}
			hs.earlyRead += len(b)
			c.handshakeMu.Lock()
			c.state.EarlyDataLen = hs.earlyRead
			c.handshakeMu.Unlock()
			if len(b) <= len(dst) {
				return copy(dst, b), nil
			}
			c.in.pending = b
			return 0, nil
		case ct == record.Handshake:
			c.in.hsBuf = append(c.in.hsBuf, b...)
		case ct == record.ChangeCipherSpec && len(b) == 1 && b[0] == 1 && c.in.ccsSeen == 0:
			c.in.ccsSeen++ // the compatibility CCS, before the early data (appendix D.4)
			return 0, nil
		default:
			return 0, alertf(alert.UnexpectedMessage, "%v record in early data", ct)
		}
	}
	return 0, hs.finishAfterEarlyData()
}

// finishAfterEarlyData completes a handshake paused for early data: the
// client's EndOfEarlyData (RFC 8446 section 4.5) and Finished, then the
// server's ticket. Read calls it with the read lock held; the ticket
// takes the write lock.
func (hs *serverHandshake13) finishAfterEarlyData() error {
	c := hs.c
	defer hs.wipe()
	c.earlyHS = nil
	defer func() { c.hsTr = nil }()
	if err := runSteps(hs.readEndOfEarlyData, hs.readClientFinished); err != nil {
		return err
	}
	// A resumed handshake asks for no client certificate, so the ticket
	// could have gone with the server's Finished; but the transcript
	// then runs through EndOfEarlyData, which the server had not read
	// when it paused, so the ticket follows the client's Finished here.
	c.out.Lock()
	err := hs.issueTicket13(c.hsTr.sum())
	if err == nil {
		err = c.flush()
	}
	c.out.Unlock()
	if err != nil {
		return err
	}
	c.handshakeMu.Lock()
	c.state.HandshakeComplete = true
	c.handshakeMu.Unlock()
	return nil
}

// readEndOfEarlyData reads the end of the client's early data, and
// switches the read side to the client's handshake keys.
func (hs *serverHandshake13) readEndOfEarlyData() error {
	c := hs.c
	if _, err := readMessage[wire.EndOfEarlyData](c); err != nil {
		return err
	}
	c.traceStep(trace.StepApplicationData, trace.KindInfo, "early data received",
		"The client's 0-RTT data ends with its EndOfEarlyData; Read returned it before the handshake completed. It may be a replay.",
		field("bytes", strconv.Itoa(hs.earlyRead)))
	return c.installReadKeys13(hs.suite, hs.clientHS, "client handshake")
}

// WriteEarly queues b to be sent as 0-RTT data with the ClientHello
// (RFC 8446 section 2.3), when Config.SendEarlyData is set and the
// client resumes a TLS 1.3 session whose ticket allows that much early
// data. It must be called before the handshake starts, and b may be
// replayed by an attacker: send only requests that are safe to repeat.
//
// Whether the server read it shows in ConnectionState.EarlyDataAccepted
// once the handshake is done: when false, the server never saw any of
// it, and the caller must Write it again if it still applies.
func (c *Conn) WriteEarly(b []byte) (int, error) {
	if !c.isClient {
		return 0, errors.New("padlock: WriteEarly on a server connection")
	}
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if c.handshakeDone.Load() || c.handshakeErr != nil {
		return 0, errors.New("padlock: WriteEarly after the handshake")
	}
	c.earlyData = append(c.earlyData, b...)
	return len(b), nil
}

// offersEarlyData reports whether the client sends its early data with a
// ClientHello that offers session s. Early data speaks the session's ALPN
// protocol (RFC 8446 section 4.2.10), so a client that no longer offers
// that protocol sends none: the server could not accept it, and the data
// was written for a protocol this connection will not speak.
func (c *Conn) offersEarlyData(s *ClientSessionState) bool {
	return c.config.SendEarlyData && len(c.earlyData) > 0 && s != nil &&
		uint64(len(c.earlyData)) <= uint64(s.maxEarlyData) &&
		(s.alpn == "" || slices.Contains(c.config.NextProtos, s.alpn))
}

// sendEarlyData queues the early data behind the ClientHello, under
// client_early_traffic_secret, derived from the PSK's Early Secret and
// the ClientHello (RFC 8446 section 7.1). The compatibility CCS goes
// first (appendix D.4).
func (c *Conn) sendEarlyData(s *ClientSessionState, sched *keysched.Schedule13) error {
	suite := suites.SuiteByID(s.suite)
	h := suite.Hash.New()
	h.Write(c.hsTr.messages())
	secret := keysched.NewTrafficSecret(suite.Hash, sched.ClientEarlyTrafficSecret(h.Sum(nil)))
	c.logKey(keyLogClientEarly, secret.Bytes())
	c.traceSecrets13("early", "client_early_traffic_secret")
	if err := c.writeCompatCCS(); err != nil {
		return err
	}
	if err := c.installWriteKeys13(suite, secret, "client early"); err != nil {
		return err
	}
	if _, err := c.out.w.WriteRecord(record.ApplicationData, c.earlyData); err != nil {
		return err
	}
	c.traceStep(trace.StepResumption, trace.KindInfo, "early data sent",
		"The ticket allows 0-RTT data: the client sends application data right behind its ClientHello, before the server answers. The server may reject it.",
		field("bytes", strconv.Itoa(len(c.earlyData))))
	return nil
}

// rejectEarlyData records that the server did not read the client's
// early data, and why.
func (hs *clientHandshake13) rejectEarlyData(why string) {
	hs.c.traceStep(trace.StepResumption, trace.KindWarning, "early data rejected",
		"The server did not read the data the client sent with its ClientHello: ConnectionState.EarlyDataAccepted is false, and the application must send it again.",
		field("reason", why))
}

// settleEarlyData learns from the EncryptedExtensions whether the server
// accepted the client's early data (RFC 8446 section 4.2.10). If it did,
// the early keys stay until the client's EndOfEarlyData; if not, the
// client's handshake keys take over now.
func (hs *clientHandshake13) settleEarlyData(ee *wire.EncryptedExtensions) error {
	c := hs.c
	if !hs.earlySent || hs.retried {
		return nil
	}
	if !ee.EarlyData {
		hs.rejectEarlyData("the server's EncryptedExtensions has no early_data")
		return c.installWriteKeys13(hs.suite, hs.clientHS, "client handshake")
	}
	// checkServerExtensions13 saw that early_data was offered, and
	// acceptResumption that the first PSK was chosen.
	if !hs.resumed || hs.suite.ID != hs.session.suite {
		return alertf(alert.IllegalParameter, "server accepted early data with another cipher suite than the session's")
	}
	if c.state.NegotiatedProtocol != hs.session.alpn {
		return alertf(alert.IllegalParameter, "server accepted early data with another ALPN protocol than the session's")
	}
	hs.earlyAccepted = true
	c.state.EarlyDataAccepted = true
	c.traceStep(trace.StepResumption, trace.KindInfo, "early data accepted",
		"The server read the data the client sent with its ClientHello; the client ends it with EndOfEarlyData after the server's Finished.")
	return nil
}

// sendEndOfEarlyData ends accepted early data (RFC 8446 section 4.5),
// under the early keys, and switches to the client's handshake keys.
func (hs *clientHandshake13) sendEndOfEarlyData() error {
	c := hs.c
	if !hs.earlyAccepted {
		return nil
	}
	if err := c.writeMessage(&wire.EndOfEarlyData{}); err != nil {
		return err
	}
	return c.installWriteKeys13(hs.suite, hs.clientHS, "client handshake")
}

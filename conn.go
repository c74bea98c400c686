package padlock

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// Conn is a TLS connection over a net.Conn. It implements net.Conn: the
// first Read or Write runs the handshake if Handshake was not called.
// One goroutine may read while another writes.
type Conn struct {
	conn     net.Conn
	isClient bool
	config   *Config
	id       uint64    // Event.Conn of its trace events; see ID
	start    time.Time // when the handshake began, for trace times

	handshakeMu   sync.Mutex
	handshakeDone atomic.Bool
	handshakeErr  error
	closed        atomic.Bool

	// Set by the handshake, read-only afterwards.
	vers  uint16
	suite *suites.Suite
	state ConnectionState
	hsTr  *transcript // the running handshake's transcript, nil after
	tls13 tls13Secrets
	// The client and server random, for the key log and TLS 1.2 keys:
	// copies, so that the hello messages they came in are not kept.
	random [2][32]byte
	// echPublicName is, on a client whose ECH the server rejected, the
	// name the server's certificate must be valid for instead of
	// ServerName (draft-ietf-tls-esni section 6.1.7).
	echPublicName string

	in  inHalf
	out outHalf
	enc wire.Encoder // builds the handshake messages written

	prf12 *keysched.PRF // TLS 1.2: the PRF of the master secret, during the handshake
	// master12 is the TLS 1.2 master secret, kept after the handshake
	// for the exporter and so only with the extended master secret; see
	// useMaster12.
	master12 []byte

	keyUpdateAfter uint64 // records per write key before a KeyUpdate

	traceQueue *traceQueue     // during a handshake with Config.TraceAfterFlight
	hsCtx      context.Context // the running handshake's context, for the hooks
	// earlyData is what WriteEarly queued, for a client to send as 0-RTT
	// data with its ClientHello.
	earlyData []byte
	// earlyHS is, on a server that accepted early data, the handshake
	// that Read completes at the client's EndOfEarlyData.
	earlyHS *serverHandshake13

	testHooks testHooks
}

// testHooks let tests make this side misbehave in ways a real peer could.
type testHooks struct {
	corruptSignature bool // flip a bit of the CertificateVerify (TLS 1.2: also ServerKeyExchange) signature
	corruptFinished  bool // flip a bit of this side's Finished

	editHello          func(*wire.ClientHello) // change the ClientHello before it is sent
	editRetryHello     func(*wire.ClientHello) // change the second ClientHello before its binder is computed and it is sent
	editServerHello    func(*wire.ServerHello) // change the TLS 1.3 ServerHello before it is sent
	rsaPremaster       func([]byte) []byte     // replace the TLS 1.2 RSA premaster before encryption
	corruptKeyExchange bool                    // flip a bit of the RSA-encrypted premaster
}

// corrupt flips a bit of b when on; tests use it to play a bad peer.
func corrupt(on bool, b []byte) []byte {
	if on && len(b) > 0 {
		b[len(b)/2] ^= 0x10
	}
	return b
}

// inHalf is the read side. Its mutex is held by Read and by the
// handshake.
type inHalf struct {
	sync.Mutex
	r       record.Reader
	hsBuf   []byte // handshake bytes not yet assembled into a message
	pending []byte // application data opened but not yet read
	err     error  // latched: every later Read returns it
	ccsOK   bool   // a TLS 1.3 compatibility ChangeCipherSpec may arrive
	ccsSeen int
	empty   int  // consecutive empty records
	warns   int  // alerts ignored since the last application data
	helloRq int  // HelloRequests ignored during a TLS 1.2 client's handshake
	keyUpd  int  // KeyUpdates since the last application data
	refused bool // a TLS 1.2 renegotiation request was refused once
}

// outHalf is the write side. Its mutex is held by Write, by the
// handshake, and by whoever sends an alert.
type outHalf struct {
	sync.Mutex
	w      record.Writer
	err    error // latched
	cipher *record.Cipher
	// keyUpdateDue: the peer asked for a KeyUpdate, to be sent before
	// the next application data (RFC 8446 section 4.6.3).
	keyUpdateDue bool
}

// Client returns a client-side TLS connection over conn. config must
// name a ServerName or set InsecureSkipVerify.
func Client(conn net.Conn, config *Config) *Conn {
	return newConn(conn, config, true)
}

// Server returns a server-side TLS connection over conn. config must hold
// at least one certificate, a GetCertificate callback, or a
// GetConfigForClient that returns a Config with one of them.
func Server(conn net.Conn, config *Config) *Conn {
	return newConn(conn, config, false)
}

func newConn(conn net.Conn, config *Config, isClient bool) *Conn {
	if config == nil {
		config = &Config{}
	}
	c := &Conn{conn: conn, config: config, isClient: isClient, keyUpdateAfter: defaultKeyUpdateAfter, id: connIDs.Add(1)}
	c.in.r.Init(conn)
	c.out.w.Init(conn)
	c.observeRecords()
	return c
}

// connIDs numbers the connections of the process, for ID.
var connIDs atomic.Uint64

// ID returns the connection's number, unique in the process and never
// zero: the Conn field of every trace event the connection emits, so
// that a Tracer shared by many connections can tell their events apart.
func (c *Conn) ID() uint64 { return c.id }

// Handshake runs the handshake if it has not run yet. Most uses need not
// call it: Read and Write do. It returns the handshake's error, and the
// same error on every later call.
func (c *Conn) Handshake() error {
	return c.HandshakeContext(context.Background())
}

// HandshakeContext is Handshake with a context: cancelling it closes the
// connection's attempt and returns the context's error.
func (c *Conn) HandshakeContext(ctx context.Context) error {
	if c.handshakeDone.Load() {
		return nil
	}
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if c.handshakeErr != nil {
		return c.handshakeErr
	}
	if c.handshakeDone.Load() {
		return nil
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Unix(1, 0)) })
		defer func() {
			if !stop() {
				c.conn.SetDeadline(time.Time{})
			}
		}()
	}
	var timedOut atomic.Bool
	if !c.isClient && c.config.HandshakeTimeout >= 0 {
		d := c.config.HandshakeTimeout
		if d == 0 {
			d = DefaultHandshakeTimeout
		}
		// A server must not let a silent or slow client hold it
		// forever. A timer rather than a deadline, so that deadlines
		// the caller set (net/http sets its own) stay untouched.
		t := time.AfterFunc(d, func() {
			timedOut.Store(true)
			c.conn.Close()
		})
		defer t.Stop()
	}
	c.in.Lock()
	c.out.Lock()
	c.hsCtx = ctx
	c.start = c.config.now()
	c.startTraceQueue()
	// Each flight leaves in one write: records queue until flush.
	c.out.w.SetBuffering(true)
	var err error
	if c.isClient {
		err = c.clientHandshake()
	} else {
		err = c.serverHandshake()
	}
	if err == nil && c.isClient {
		err = c.takeBufferedRecords()
	}
	c.drainTrace(true)
	if c.earlyHS == nil || err != nil {
		c.hsTr = nil
	}
	c.hsCtx = nil
	c.out.w.SetBuffering(false)
	c.releaseHandshakeBuffers()
	if err != nil {
		c.forgetSecrets()
	}
	c.out.Unlock()
	c.in.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		} else if timedOut.Load() {
			err = fmt.Errorf("padlock: handshake timed out: %w", err)
		}
		c.fail(err)
		c.handshakeErr = err
		return err
	}
	c.state.HandshakeComplete = c.earlyHS == nil // see pauseForEarlyData
	c.handshakeDone.Store(true)
	return nil
}

// releaseHandshakeBuffers lets go of what only the handshake needed, so
// that an established connection holds as little as it can: the
// handshake message buffer, once empty, and the read buffer, unless
// bytes of the next records are in it. Both halves are locked.
func (c *Conn) releaseHandshakeBuffers() {
	if len(c.in.hsBuf) == 0 {
		c.in.hsBuf = nil
	}
	c.in.r.Release()
	c.enc.Release()
	c.prf12 = nil
}

// takeBufferedRecords handles the records that came with the server's
// last flight and are already buffered: a TLS 1.3 server sends its
// tickets with its Finished (RFC 8446 section 4.6.1), and taking them now
// caches the session before the application reads, and lets an idle
// connection give its read buffer back. Application data stops it, to be
// returned by the next Read.
func (c *Conn) takeBufferedRecords() error {
	if c.vers != VersionTLS13 {
		return nil
	}
	for c.in.pending == nil && c.in.r.RecordBuffered() {
		if _, err := c.readApplicationRecord(nil); err != nil {
			return err
		}
	}
	return nil
}

// forgetSecrets lets go of the secrets of a connection whose handshake
// failed, which will protect nothing more: the TLS 1.3 ones, the conn's
// own, are wiped; a TLS 1.2 master secret may be a cached session's, so
// it is only dropped. Exporting is refused from then on. (The record
// keys stay, so that the alert about the failure still goes out
// protected.) Both halves are locked.
func (c *Conn) forgetSecrets() {
	c.tls13.wipe()
	c.master12 = nil
	c.state.ekm = nil
}

// fail ends the connection after err: it sends the alert err names, if
// padlock found the problem, and latches err on both halves.
func (c *Conn) fail(err error) {
	var ae *alert.Error
	if errors.As(err, &ae) && !ae.Remote {
		c.sendAlert(ae.Description)
	}
	c.out.Lock()
	if c.out.err == nil {
		c.out.err = err
	}
	c.out.Unlock()
	c.in.Lock()
	if c.in.err == nil {
		c.in.err = err
	}
	c.in.Unlock()
}

// sendAlert writes one alert record. Every alert but close_notify and
// user_canceled is fatal (RFC 8446 section 6.2); after a fatal alert
// nothing more is written.
func (c *Conn) sendAlert(d alert.Description) {
	c.out.Lock()
	defer c.out.Unlock()
	c.writeAlertLocked(d)
}

func (c *Conn) writeAlertLocked(d alert.Description) {
	if c.out.err != nil {
		return
	}
	level := byte(alertFatal)
	if d == alert.CloseNotify || d == alert.UserCanceled {
		level = alertWarning
	}
	c.out.w.SetBuffering(false)
	c.out.w.WriteRecord(record.Alert, []byte{level, byte(d)})
	c.out.w.Flush()
	c.traceAlert(trace.Sent, d)
	if d != alert.CloseNotify {
		c.out.err = alert.New(d, "alert sent")
	}
}

// readRecord reads the next record and handles alerts, which end the
// read side, so callers see only the other content types.
func (c *Conn) readRecord() (record.ContentType, []byte, error) {
	return c.readRecordInto(nil)
}

// readRecordInto is readRecord, opening a protected record into dst when
// it fits there (see record.Reader.ReadRecordInto).
func (c *Conn) readRecordInto(dst []byte) (record.ContentType, []byte, error) {
	for {
		ct, data, err := c.in.r.ReadRecordInto(dst)
		if err == io.EOF {
			// The socket ended without close_notify: a truncation
			// (RFC 8446 section 6.1), never a clean end of data.
			return 0, nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return 0, nil, err
		}
		if ct != record.Alert {
			if len(data) == 0 && ct != record.ApplicationData {
				// RFC 8446 section 5.1: no zero-length handshake or
				// alert fragments; a ChangeCipherSpec carries one byte.
				return 0, nil, alertf(alert.UnexpectedMessage, "empty %v record", ct)
			}
			return ct, data, nil
		}
		if err := c.handleAlert(data); err != nil {
			return 0, nil, err
		}
	}
}

// handleAlert processes an alert record: it returns io.EOF for
// close_notify (the only way Read reports a clean end), nil for an alert
// to ignore, or the peer's alert.
func (c *Conn) handleAlert(data []byte) error {
	if len(data) != 2 {
		return alertf(alert.DecodeError, "alert record of %d bytes", len(data))
	}
	level, d := data[0], alert.Description(data[1])
	if level != alertWarning && level != alertFatal {
		c.traceAlert(trace.Received, d)
		// AlertLevel is warning(1) or fatal(2) (RFC 5246 section 7.2,
		// RFC 8446 section 6); another value is an invalid enum,
		// illegal_parameter (RFC 9846 section 6), even in TLS 1.3,
		// where a valid level means nothing.
		return alertf(alert.IllegalParameter, "alert %s of level %d", d, level)
	}
	ignore := level == alertWarning
	if c.vers == VersionTLS13 {
		ignore = d == alert.UserCanceled
	}
	c.traceAlertEnds(trace.Received, d, !ignore || d == alert.CloseNotify)
	if d == alert.CloseNotify {
		return io.EOF
	}
	// In TLS 1.2 a warning does not end the connection (RFC 5246
	// section 7.2). In TLS 1.3 the level is ignored: every alert is an
	// error but close_notify and user_canceled (RFC 8446 section 6),
	// after which the peer is to send close_notify, so padlock reads on
	// until it does (RFC 9846 section 6.1), as OpenSSL, BoringSSL and
	// crypto/tls do. Either way an alert to ignore asks for nothing and
	// makes no progress: a run of them is bounded.
	if ignore {
		c.in.warns++
		if c.in.warns > c.config.limits().MaxWarningAlerts {
			return alertf(alert.UnexpectedMessage, "too many warning alerts")
		}
		return nil
	}
	return &alert.Error{Description: d, Remote: true}
}

// The AlertLevel values (RFC 5246 section 7.2).
const (
	alertWarning = 1
	alertFatal   = 2
)

// Read reads application data, running the handshake first if needed.
// It returns io.EOF only after the peer's close_notify; a connection cut
// without one is an error (io.ErrUnexpectedEOF).
func (c *Conn) Read(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	c.in.Lock()
	defer c.in.Unlock()
	for len(c.in.pending) == 0 {
		if c.in.err != nil {
			return 0, c.in.err
		}
		var n int
		var err error
		if c.earlyHS != nil {
			n, err = c.earlyHS.readEarlyRecord(b)
		} else {
			n, err = c.readApplicationRecord(b)
		}
		if n > 0 {
			// Opened straight into b, the usual case for a reader
			// whose buffer holds a whole record: no copy.
			c.in.r.Release()
			return n, nil
		}
		if err != nil {
			if isTimeout(err) {
				return 0, err
			}
			if err == io.EOF && len(c.in.hsBuf) > 0 {
				err = alertf(alert.UnexpectedMessage, "close_notify inside a handshake message")
			}
			c.in.err = err
			if err != io.EOF {
				c.in.Unlock()
				c.fail(err)
				c.in.Lock()
			}
			return 0, err
		}
	}
	n := copy(b, c.in.pending)
	c.in.pending = c.in.pending[n:]
	if len(c.in.pending) == 0 {
		// Caught up: unless the next record is partly read already,
		// the read buffer goes back to the pool until data comes.
		c.in.r.Release()
	}
	return n, nil
}

// readApplicationRecord reads one record after the handshake: application
// data goes to pending, post-handshake messages are handled.
//
// A record whose plaintext fits in dst is opened there (record.Reader's
// ReadRecordInto), and n is then the length of its application data;
// otherwise the data goes to pending, and n is 0. dst may be used as
// scratch space either way, as io.Reader allows.
func (c *Conn) readApplicationRecord(dst []byte) (n int, err error) {
	ct, data, err := c.readRecordInto(dst)
	if err != nil {
		return 0, err
	}
	switch ct {
	case record.ApplicationData:
		if len(c.in.hsBuf) > 0 {
			// RFC 8446 section 5.1: handshake messages must not be
			// interleaved with other record types.
			return 0, alertf(alert.UnexpectedMessage, "application data inside a handshake message")
		}
		if len(data) == 0 {
			c.in.empty++
			if c.in.empty > c.config.limits().MaxEmptyRecords {
				return 0, alertf(alert.UnexpectedMessage, "too many empty records")
			}
			return 0, nil
		}
		c.in.empty, c.in.keyUpd, c.in.warns = 0, 0, 0
		if len(dst) > 0 && &data[0] == &dst[0] {
			return len(data), nil
		}
		c.in.pending = data
		return 0, nil
	case record.Handshake:
		c.in.hsBuf = append(c.in.hsBuf, data...)
		return 0, c.handlePostHandshake()
	}
	return 0, alertf(alert.UnexpectedMessage, "%v record after the handshake", ct)
}

// Write writes application data, running the handshake first if needed.
// Data is sent in records of at most 16 KiB, sealed in place.
func (c *Conn) Write(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	c.out.Lock()
	defer c.out.Unlock()
	if c.out.err != nil {
		return 0, c.out.err
	}
	if err := c.maybeUpdateKeysLocked(); err != nil {
		return 0, err
	}
	n, err := c.out.w.WriteRecord(record.ApplicationData, b)
	if err != nil {
		c.out.err = err
	}
	return n, err
}

// CloseWrite sends close_notify: the peer's Read returns io.EOF, and this
// side may go on reading. It does not close the underlying connection.
func (c *Conn) CloseWrite() error {
	if !c.handshakeDone.Load() {
		return errors.New("padlock: CloseWrite before the handshake completed")
	}
	c.out.Lock()
	defer c.out.Unlock()
	if c.out.err != nil {
		return c.out.err
	}
	c.writeAlertLocked(alert.CloseNotify)
	c.out.err = errClosedWrite
	return nil
}

var (
	errClosedWrite = errors.New("padlock: write after CloseWrite")
	errClosed      = net.ErrClosed
)

// Close sends close_notify, if the handshake completed and the write side
// is still open, and closes the underlying connection.
func (c *Conn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return errClosed
	}
	if c.handshakeDone.Load() {
		// Do not let a peer that stopped reading hold Close forever.
		c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		c.out.Lock()
		c.writeAlertLocked(alert.CloseNotify)
		if c.out.err == nil {
			c.out.err = errClosed
		}
		c.out.Unlock()
	}
	err := c.conn.Close()
	// Unread records go with the connection, and their buffer back to
	// the pool. A Read still running holds the lock and lets go of the
	// buffer itself when it fails.
	if c.in.TryLock() {
		if c.in.err == nil {
			c.in.err = errClosed
		}
		c.in.r.Discard()
		c.in.Unlock()
	}
	return err
}

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the remote network address.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines of the underlying
// connection. A Write that times out leaves the connection unusable: a
// record may have been half written.
func (c *Conn) SetDeadline(t time.Time) error { return c.conn.SetDeadline(t) }

// SetReadDeadline sets the read deadline of the underlying connection.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline of the underlying connection.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// ConnectionState returns what the handshake negotiated.
func (c *Conn) ConnectionState() ConnectionState {
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	return c.state
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ConnectionState describes a connection: what was negotiated and who the
// peer is. PeerCertificates and VerifiedChains may be shared with other
// connections of the same Config, which remembers the chains it verified:
// they must not be modified.
type ConnectionState struct {
	Version           uint16
	HandshakeComplete bool
	DidResume         bool
	CipherSuite       uint16
	CurveID           CurveID // the key exchange group (a TLS 1.2 resumption: its session's); 0 for RSA key transport and psk_ke
	// SignatureScheme is the scheme of the server's handshake signature
	// in this handshake (its CertificateVerify; in TLS 1.2 its
	// ServerKeyExchange), on either side; 0 when the server signed
	// nothing: a resumption, or RSA key transport.
	SignatureScheme SignatureScheme
	// PeerSignatureScheme is the scheme of the signature with which the
	// peer proved it holds the key of PeerCertificates[0]: on a client,
	// the server's, as SignatureScheme; on a server, the client's
	// CertificateVerify. It is 0 when the peer signed nothing (no client
	// certificate, RSA key transport). A resumed session reports the
	// signature of the full handshake that authenticated it, as it
	// reports that handshake's PeerCertificates.
	PeerSignatureScheme  SignatureScheme
	NegotiatedProtocol   string // ALPN; "" if none
	ServerName           string // SNI: sent by the client, received by the server
	PeerCertificates     []*x509.Certificate
	VerifiedChains       [][]*x509.Certificate
	OCSPResponse         []byte // stapled by the server
	ExtendedMasterSecret bool   // TLS 1.2: RFC 7627 in use
	// EarlyDataAccepted reports that the server accepted the client's
	// 0-RTT data (RFC 8446 section 2.3). On a client it is false when
	// Conn.WriteEarly's data did not reach the server, which then never
	// sees it: the caller must Write it again if it still applies (the
	// ALPN protocol or the server may have changed).
	//
	// On a server that accepted it, Handshake returns after the server's
	// Finished with HandshakeComplete still false, and Read returns the
	// early data as it arrives; Read completes the handshake at the
	// client's EndOfEarlyData, and HandshakeComplete turns true. Data a
	// Read returned while HandshakeComplete was false, the first
	// EarlyDataLen bytes, was early data.
	EarlyDataAccepted bool
	// EarlyDataLen is, on a server, how many bytes of the data Read
	// returns arrived as early data. Early data is not protected against
	// replay (RFC 8446 section 8): an application that must not act twice
	// on a request refuses a non-idempotent one within these bytes (for
	// HTTP, 425 Too Early, RFC 8470), or reads on until HandshakeComplete
	// is true before acting on it.
	EarlyDataLen int
	// CertificateCompression is the algorithm (RFC 8879: 1 zlib, 2
	// brotli, 3 zstd) with which the peer's Certificate arrived
	// compressed in this handshake, or 0 when it came uncompressed, or
	// not at all (a resumption, no client certificate, TLS 1.2).
	CertificateCompression uint16
	// ECHAccepted reports that the handshake ran with the client's
	// encrypted ClientHelloInner (draft-ietf-tls-esni): ServerName is the
	// inner one, which the network never saw.
	ECHAccepted bool

	ekm func(label string, context []byte, length int) ([]byte, error)
}

// ExportKeyingMaterial derives length bytes of keying material from the
// connection's secrets (RFC 8446 section 7.5, RFC 5705).
func (cs *ConnectionState) ExportKeyingMaterial(label string, context []byte, length int) ([]byte, error) {
	if cs.ekm == nil {
		return nil, errors.New("padlock: no keying material before the handshake")
	}
	switch label {
	case "client finished", "server finished", "master secret", "key expansion", "extended master secret":
		// RFC 5705 section 4: labels the protocol itself uses.
		return nil, fmt.Errorf("padlock: exporter label %q is reserved", label)
	}
	// HKDF-Expand-Label encodes the label in a byte and the length in two;
	// HKDF-Expand gives at most 255 hash lengths.
	if len(label) > 200 || length < 0 || length > 255*32 || len(context) > 0xffff {
		return nil, errors.New("padlock: exporter label, context or length out of range")
	}
	return cs.ekm(label, context, length)
}

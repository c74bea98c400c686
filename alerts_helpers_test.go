package padlock

// The machinery of TestAlertTable: the padlock under test talks either to
// a script of raw bytes or, through a man in the middle that holds the
// keys, to an honest padlock peer. Everything padlock under test writes is
// kept and decoded afterwards with its own key log, so each row checks
// the alert that went on the wire, not only the error padlock returned.

import (
	"bytes"
	"crypto"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/pki"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
)

// role is the side padlock plays in a row.
type role bool

const (
	asClient role = true
	asServer role = false
)

func (r role) String() string {
	if r == asClient {
		return "client"
	}
	return "server"
}

// expectation is what padlock under test must do with the hostile input.
type expectation struct {
	level  byte              // 2: a fatal alert; 1: a warning and the connection goes on; 0: no alert
	desc   alert.Description // the alert sent, or for remote the one received
	remote bool              // the peer's alert ends the connection; padlock answers none
	err    error             // for level 0: the error padlock must end with, if not nil or io.EOF
	warned bool              // for level 2: one warning of the same description comes first
}

func wantFatal(d alert.Description) expectation   { return expectation{level: 2, desc: d} }
func wantWarning(d alert.Description) expectation { return expectation{level: 1, desc: d} }

// wantWarningThenFatal is a warning d, which lets the connection go on,
// then, when the peer insists, a fatal d.
func wantWarningThenFatal(d alert.Description) expectation {
	return expectation{level: 2, desc: d, warned: true}
}
func wantRemote(d alert.Description) expectation {
	return expectation{remote: true, desc: d}
}

var wantNoAlert = expectation{}

func (e expectation) String() string {
	switch {
	case e.remote:
		return "no alert (the peer's " + e.desc.String() + " ends it)"
	case e.level == 2 && e.warned:
		return "warning " + e.desc.String() + ", then fatal " + e.desc.String()
	case e.level == 2:
		return "fatal " + e.desc.String()
	case e.level == 1:
		return "warning " + e.desc.String()
	}
	return "no alert"
}

// rowBudget bounds every row; a row that needs more has hung.
const rowBudget = 2 * time.Second

// alertConfigs returns a client and a server config for one version:
// Ed25519 and x25519, fast and with deterministic signatures.
func alertConfigs(t testing.TB, vers uint16) (cc, sc *Config) {
	cert, pool := testCert(t, pki.Ed25519)
	cc = &Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: []CurveID{X25519},
		MinVersion: vers, MaxVersion: vers}
	sc = &Config{Certificates: []Certificate{cert}, CurvePreferences: []CurveID{X25519},
		MinVersion: vers, MaxVersion: vers}
	return cc, sc
}

// keyLog is a KeyLogWriter that the man in the middle and the decoder
// read while handshakes write it.
type keyLog struct {
	mu    sync.Mutex
	lines []string
}

func (k *keyLog) Write(b []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lines = append(k.lines, strings.Split(strings.TrimSpace(string(b)), "\n")...)
	return len(b), nil
}

// secret returns the secret logged under label, waiting up to wait for
// it: a peer logs a secret before its first record under it leaves, but
// another goroutine may be the one writing.
func (k *keyLog) secret(label string, wait time.Duration) []byte {
	for end := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
		k.mu.Lock()
		for _, l := range slices.Backward(k.lines) {
			if f := strings.Fields(l); len(f) == 3 && f[0] == label {
				k.mu.Unlock()
				s, _ := hex.DecodeString(f[2])
				return s
			}
		}
		k.mu.Unlock()
		if time.Now().After(end) {
			return nil
		}
	}
}

// prot is the record protection of one direction under one key, redone
// here from RFC 8446 section 5.2-5.3 and RFC 5246 section 6.2.3.3 so
// that tests can open what padlock sealed and seal what padlock opens,
// malformed records included.
type prot struct {
	aead     cipher.AEAD
	iv       []byte
	seq      uint64
	tls13    bool
	explicit int // TLS 1.2 nonce_explicit length
}

func newProt13(s *suites.Suite, secret []byte) *prot {
	key, iv := keysched.TrafficKeys(s.Hash, secret, s.KeyLen, s.FixedIVLen)
	aead, err := s.NewAEAD(key)
	if err != nil {
		panic(err)
	}
	return &prot{aead: aead, iv: iv, tls13: true}
}

func newProt12(s *suites.Suite, key, iv []byte) *prot {
	aead, err := s.NewAEAD(key)
	if err != nil {
		panic(err)
	}
	return &prot{aead: aead, iv: iv, explicit: s.ExplicitNonceLen}
}

func (p *prot) nonce(explicit []byte) []byte {
	n := slices.Clone(p.iv)
	if p.explicit > 0 {
		return append(n, explicit...)
	}
	for i := range 8 {
		n[len(n)-1-i] ^= byte(p.seq >> (8 * i))
	}
	return n
}

// seal returns a whole protected record of content type typ. In TLS 1.3
// typ goes inside, followed by pad zeros; typ 0 makes a TLSInnerPlaintext
// with no content type at all.
func (p *prot) seal(typ record.ContentType, data []byte, pad int) []byte {
	defer func() { p.seq++ }()
	if p.tls13 {
		inner := append(append(slices.Clone(data), byte(typ)), make([]byte, pad)...)
		hdr := recordHeader(record.ApplicationData, len(inner)+p.aead.Overhead())
		return append(hdr, p.aead.Seal(nil, p.nonce(nil), inner, hdr)...)
	}
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], p.seq)
	explicit := seq[8-p.explicit:]
	aad := append(seq[:], byte(typ), 3, 3, byte(len(data)>>8), byte(len(data)))
	body := append(slices.Clone(explicit), p.aead.Seal(nil, p.nonce(explicit), data, aad)...)
	return append(recordHeader(typ, len(body)), body...)
}

// open decrypts one record and returns its real content type and content.
func (p *prot) open(hdr, body []byte) (record.ContentType, []byte, error) {
	if p.tls13 {
		inner, err := p.aead.Open(nil, p.nonce(nil), body, hdr)
		if err != nil {
			return 0, nil, err
		}
		p.seq++
		i := len(inner) - 1
		for i >= 0 && inner[i] == 0 {
			i--
		}
		if i < 0 {
			return 0, nil, nil
		}
		return record.ContentType(inner[i]), inner[:i], nil
	}
	if len(body) < p.explicit+p.aead.Overhead() {
		return 0, nil, errors.New("short record")
	}
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], p.seq)
	n := len(body) - p.explicit - p.aead.Overhead()
	aad := append(seq[:], hdr[0], hdr[1], hdr[2], byte(n>>8), byte(n))
	pt, err := p.aead.Open(nil, p.nonce(body[:p.explicit]), body[p.explicit:], aad)
	if err != nil {
		return 0, nil, err
	}
	p.seq++
	return record.ContentType(hdr[0]), pt, nil
}

func recordHeader(typ record.ContentType, n int) []byte {
	return []byte{byte(typ), 3, 3, byte(n >> 8), byte(n)}
}

// plainRecord returns a plaintext record.
func plainRecord(typ record.ContentType, body []byte) []byte {
	return append(recordHeader(typ, len(body)), body...)
}

// hsRecord returns one plaintext handshake record holding msgs.
func hsRecord(msgs ...[]byte) []byte {
	return plainRecord(record.Handshake, bytes.Join(msgs, nil))
}

// readRecord reads one record, whatever its length field says.
func readRecord(r io.Reader) (hdr, body []byte, err error) {
	hdr = make([]byte, record.HeaderLen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, err
	}
	body = make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, nil, err
	}
	return hdr, body, nil
}

// helloInfo is what a key schedule needs from the hellos.
type helloInfo struct {
	mu     sync.Mutex
	suite  uint16
	cr, sr []byte
}

// observe notes the randoms and the suite of a plaintext hello.
func (h *helloInfo) observe(r *rec) {
	if r.prot || r.typ != record.Handshake || len(r.data) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch r.data[0] {
	case wire.TypeClientHello:
		var ch wire.ClientHello
		if ch.Unmarshal(r.data) == nil {
			h.cr = ch.Random
		}
	case wire.TypeServerHello:
		var sh wire.ServerHello
		if sh.Unmarshal(r.data) == nil && !sh.IsHelloRetryRequest() {
			h.sr, h.suite = sh.Random, sh.CipherSuite
		}
	}
}

func (h *helloInfo) get() (*suites.Suite, []byte, []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return suites.SuiteByID(h.suite), h.cr, h.sr
}

// rec is one record as a test sees it: its real content type and
// content, opened if it came protected.
type rec struct {
	typ   record.ContentType
	data  []byte
	prot  bool // came protected; on the way out, seal it with the current keys
	epoch int  // the key it came under: 0 plaintext, 1 handshake (TLS 1.2: the only one), 2.. application

	raw     []byte // on the way out: these bytes instead
	pad     int    // on the way out: TLS 1.3 padding
	corrupt bool   // on the way out: flip a bit of the sealed record
}

func (r *rec) isMsg(t uint8) bool {
	return r.typ == record.Handshake && len(r.data) > 0 && r.data[0] == t
}

// stream follows the records one side writes and the keys they are
// under, from that side's key log.
type stream struct {
	vers   uint16
	sender role
	log    *keyLog
	wait   time.Duration
	info   *helloInfo
	epoch  int
	ccs12  bool // TLS 1.2: the sender's ChangeCipherSpec went by
	rd, wr *prot
	secret []byte // TLS 1.3: of the current epoch
}

// earlyEpoch is the epoch of a client's 0-RTT data, under
// client_early_traffic_secret: after the plaintext hello, before the
// handshake keys.
const earlyEpoch = -1

// firstEpoch is the key a sender's first protected record comes under:
// the early data key when the sender is a client that logged one (it
// logs it before its early data leaves), else the handshake key.
func (s *stream) firstEpoch() int {
	if s.vers == VersionTLS13 && s.sender == asClient && s.log.secret(keyLogClientEarly, 0) != nil {
		return earlyEpoch
	}
	return 1
}

// nextEpoch is the key after the current one.
func (s *stream) nextEpoch() int {
	if s.epoch == earlyEpoch {
		return 1
	}
	return s.epoch + 1
}

// enter switches to the keys of epoch e, for reading and writing alike.
func (s *stream) enter(e int) error {
	suite, cr, sr := s.info.get()
	// Early data goes out before the ServerHello that names the suite
	// has come by: wait for it, as the server answers before it reads.
	for end := time.Now().Add(s.wait); e == earlyEpoch && suite == nil && time.Now().Before(end); time.Sleep(time.Millisecond) {
		suite, cr, sr = s.info.get()
	}
	if suite == nil {
		return fmt.Errorf("epoch %d: no cipher suite known", e)
	}
	side := "CLIENT"
	if s.sender == asServer {
		side = "SERVER"
	}
	if s.vers == VersionTLS12 {
		master := s.log.secret(keyLogTLS12, s.wait)
		if master == nil || cr == nil || sr == nil {
			return errors.New("no TLS 1.2 master secret or randoms")
		}
		ck, sk, civ, siv := keysched.KeyBlock12(suite.Hash, master, cr, sr, suite.KeyLen, suite.FixedIVLen)
		if s.sender == asServer {
			ck, civ = sk, siv
		}
		s.rd, s.wr, s.epoch = newProt12(suite, ck, civ), newProt12(suite, ck, civ), e
		return nil
	}
	var secret []byte
	switch {
	case e == earlyEpoch:
		secret = s.log.secret(keyLogClientEarly, s.wait)
	case e == 1:
		secret = s.log.secret(side+"_HANDSHAKE_TRAFFIC_SECRET", s.wait)
	case e == 2:
		secret = s.log.secret(side+"_TRAFFIC_SECRET_0", s.wait)
	case s.secret != nil:
		secret = keysched.NextTrafficSecret(suite.Hash, s.secret)
	}
	if secret == nil {
		return fmt.Errorf("no %s secret for epoch %d", side, e)
	}
	s.secret, s.epoch = secret, e
	s.rd, s.wr = newProt13(suite, secret), newProt13(suite, secret)
	return nil
}

// decode turns one record into a rec, opening it if it is protected.
func (s *stream) decode(hdr, body []byte) (*rec, error) {
	typ := record.ContentType(hdr[0])
	protected := typ == record.ApplicationData && s.vers == VersionTLS13 ||
		s.vers == VersionTLS12 && s.ccs12
	if !protected {
		if typ == record.ChangeCipherSpec && s.vers == VersionTLS12 {
			s.ccs12 = true
		}
		r := &rec{typ: typ, data: body}
		s.info.observe(r)
		return r, nil
	}
	if s.epoch == 0 {
		if err := s.enter(s.firstEpoch()); err != nil {
			return nil, err
		}
	}
	t, data, err := s.rd.open(hdr, body)
	if err != nil && s.vers == VersionTLS13 {
		// A record that the current key does not open is under the
		// next one: handshake, then application, then each update.
		if err = s.enter(s.nextEpoch()); err == nil {
			t, data, err = s.rd.open(hdr, body)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("epoch %d: cannot open a %d-byte record: %v", s.epoch, len(body), err)
	}
	return &rec{typ: t, data: data, prot: true, epoch: s.epoch}, nil
}

// encode turns a rec back into bytes, sealing it with the current keys.
func (s *stream) encode(r *rec) ([]byte, error) {
	if r.raw != nil {
		return r.raw, nil
	}
	if !r.prot {
		return plainRecord(r.typ, r.data), nil
	}
	if s.wr == nil {
		return nil, errors.New("no keys to seal a protected record with")
	}
	out := s.wr.seal(r.typ, r.data, r.pad)
	if r.corrupt {
		out[len(out)-1] ^= 0x80
	}
	return out, nil
}

// decodeAll decodes the whole of what padlock under test wrote.
func decodeAll(data []byte, s *stream) ([]*rec, error) {
	var out []*rec
	rd := bytes.NewReader(data)
	for rd.Len() > 0 {
		hdr, body, err := readRecord(rd)
		if err != nil {
			return out, fmt.Errorf("record %d: %v", len(out), err)
		}
		r, err := s.decode(hdr, body)
		if err != nil {
			return out, fmt.Errorf("record %d: %v", len(out), err)
		}
		out = append(out, r)
	}
	return out, nil
}

// editFunc rewrites one record the honest peer sent on its way to padlock
// under test: it returns the records to send instead.
type editFunc func(m *mitm, r *rec) []*rec

// mitm relays between padlock under test and an honest padlock peer. It
// opens the peer's records with the peer's key log, lets the row's edit
// rewrite them, and seals what it sends under the same keys, so padlock
// under test sees protected records it cannot tell from the peer's.
type mitm struct {
	t     *testing.T
	info  helloInfo
	toUT  *stream // the peer's records, on their way to padlock under test
	edit  editFunc
	n     map[string]int // counters for edits
	held  *rec           // a record an edit holds back
	utEnd error          // how padlock under test's side of the relay ended
}

// up relays what padlock under test writes, noting its hello.
func (m *mitm) relayUp(ut, peer net.Conn) {
	defer peer.(*net.TCPConn).CloseWrite()
	for {
		hdr, body, err := readRecord(ut)
		if err != nil {
			m.utEnd = err
			return
		}
		if hdr[0] == byte(record.Handshake) {
			m.info.observe(&rec{typ: record.Handshake, data: body})
		}
		peer.Write(append(hdr, body...))
	}
}

// down relays what the peer writes through the edit.
func (m *mitm) relayDown(peer, ut net.Conn) {
	defer ut.(*net.TCPConn).CloseWrite()
	for {
		hdr, body, err := readRecord(peer)
		if err != nil {
			return
		}
		r, err := m.toUT.decode(hdr, body)
		if err != nil {
			m.t.Errorf("relay: %v", err)
			return
		}
		outs := []*rec{r}
		if m.edit != nil {
			outs = m.edit(m, r)
		}
		for _, o := range outs {
			b, err := m.toUT.encode(o)
			if err != nil {
				m.t.Errorf("relay: %v", err)
				return
			}
			if _, err := ut.Write(b); err != nil {
				return
			}
		}
	}
}

// once counts the records an edit has acted on under name.
func (m *mitm) once(name string) bool {
	m.n[name]++
	return m.n[name] == 1
}

// The edits rows are made of. Each acts on the first record that match
// accepts and passes every other record through.

func onFirst(match func(*rec) bool, act func(m *mitm, r *rec) []*rec) editFunc {
	return func(m *mitm, r *rec) []*rec {
		if match(r) && m.once("onFirst") {
			return act(m, r)
		}
		return []*rec{r}
	}
}

func isMsg(t uint8) func(*rec) bool { return func(r *rec) bool { return r.isMsg(t) } }
func isType(t record.ContentType) func(*rec) bool {
	return func(r *rec) bool { return r.typ == t }
}
func isProtected(r *rec) bool { return r.prot }
func isEarlyData(r *rec) bool { return r.prot && r.epoch == earlyEpoch }
func isCloseNotify(r *rec) bool {
	return r.typ == record.Alert && bytes.Equal(r.data, []byte{1, 0})
}

func dropIt(*mitm, *rec) []*rec { return nil }
func sendTwice(_ *mitm, r *rec) []*rec {
	return []*rec{r, {typ: r.typ, data: r.data, prot: r.prot}}
}
func injectBefore(inject ...*rec) func(*mitm, *rec) []*rec {
	return func(_ *mitm, r *rec) []*rec { return append(slices.Clone(inject), r) }
}
func injectAfter(inject ...*rec) func(*mitm, *rec) []*rec {
	return func(_ *mitm, r *rec) []*rec { return append([]*rec{r}, inject...) }
}
func replaceWith(inject ...*rec) func(*mitm, *rec) []*rec {
	return func(*mitm, *rec) []*rec { return inject }
}

// rewrite replaces the content of the matched record.
func rewrite(f func(m *mitm, data []byte) []byte) func(*mitm, *rec) []*rec {
	return func(m *mitm, r *rec) []*rec {
		return []*rec{{typ: r.typ, data: f(m, slices.Clone(r.data)), prot: r.prot}}
	}
}

// appended adds bytes after the matched record's content.
func appended(tail ...byte) func(*mitm, *rec) []*rec {
	return rewrite(func(_ *mitm, d []byte) []byte { return append(d, tail...) })
}

// editMsg parses the matched handshake message as an M, lets f change
// it and sends it marshalled again.
func editMsg[M any, P message[M]](f func(P)) func(*mitm, *rec) []*rec {
	return rewrite(func(m *mitm, d []byte) []byte {
		p := P(new(M))
		if err := p.Unmarshal(d); err != nil {
			m.t.Errorf("editMsg: %v", err)
			return d
		}
		f(p)
		return p.Marshal()
	})
}

func corrupted(_ *mitm, r *rec) []*rec {
	return []*rec{{typ: r.typ, data: r.data, prot: r.prot, corrupt: true}}
}

// Records to inject, protected with the keys of the moment (or not).
func protHS(msgs ...[]byte) *rec {
	return &rec{typ: record.Handshake, data: bytes.Join(msgs, nil), prot: true}
}
func protRec(t record.ContentType, data []byte) *rec { return &rec{typ: t, data: data, prot: true} }
func plainRec(t record.ContentType, data []byte) *rec {
	return &rec{typ: t, data: data}
}
func rawRec(b []byte) *rec { return &rec{raw: b} }

// script is the far end of padlock under test when no padlock peer
// plays along: raw bytes both ways.
type script struct {
	t *testing.T
	c net.Conn
}

// next reads a record padlock wrote.
func (s *script) next() (record.ContentType, []byte, bool) {
	hdr, body, err := readRecord(s.c)
	if err != nil {
		return 0, nil, false
	}
	return record.ContentType(hdr[0]), body, true
}

// clientHello reads padlock's next ClientHello, passing over CCS records.
func (s *script) clientHello() *wire.ClientHello {
	for {
		typ, body, ok := s.next()
		if !ok {
			s.t.Error("script: no ClientHello from padlock")
			return nil
		}
		if typ == record.Handshake {
			var ch wire.ClientHello
			if err := ch.Unmarshal(body); err != nil {
				s.t.Errorf("script: %v", err)
				return nil
			}
			return &ch
		}
	}
}

func (s *script) send(recs ...[]byte) {
	s.c.Write(bytes.Join(recs, nil))
}

func (s *script) closeWrite() { s.c.(*net.TCPConn).CloseWrite() }

// newClientHello makes the ClientHello a padlock client with cfg would
// send, for edit to spoil.
func newClientHello(t testing.TB, vers uint16, cfg func(*Config), edit func(*wire.ClientHello)) []byte {
	cc, _ := alertConfigs(t, vers)
	if cfg != nil {
		cfg(cc)
	}
	h, _, err := Client(nil, cc).makeClientHello()
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(h)
	}
	return h.Marshal()
}

// x25519Public returns a fresh valid x25519 public value.
func x25519Public() []byte {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k.PublicKey().Bytes()
}

// p256Public returns a fresh valid secp256r1 public value.
func p256Public() []byte {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k.PublicKey().Bytes()
}

// offCurveP256 is an uncompressed point that is not on secp256r1.
var offCurveP256 = append([]byte{4}, bytes.Repeat([]byte{1}, 64)...)

// serverHello13 answers ch as a TLS 1.3 server would, then lets edit
// spoil the answer.
func serverHello13(ch *wire.ClientHello, edit func(*wire.ServerHello)) []byte {
	if ch == nil {
		return nil
	}
	sh := &wire.ServerHello{Vers: VersionTLS12, Random: make([]byte, 32), SessionID: ch.SessionID,
		CipherSuite: TLS_AES_128_GCM_SHA256, SupportedVersion: VersionTLS13,
		KeyShare: wire.KeyShare{Group: uint16(X25519), Data: x25519Public()}}
	rand.Read(sh.Random)
	if edit != nil {
		edit(sh)
	}
	return sh.Marshal()
}

// retryRequest is a HelloRetryRequest answering ch that asks for group.
func retryRequest(ch *wire.ClientHello, suite uint16, group CurveID) []byte {
	if ch == nil {
		return nil
	}
	return (&wire.ServerHello{Vers: VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: ch.SessionID,
		CipherSuite: suite, SupportedVersion: VersionTLS13, SelectedGroup: uint16(group)}).Marshal()
}

// serverHello12 answers ch as a TLS 1.2 server would, then lets edit
// spoil the answer.
func serverHello12(ch *wire.ClientHello, edit func(*wire.ServerHello)) []byte {
	if ch == nil {
		return nil
	}
	sh := &wire.ServerHello{Vers: VersionTLS12, Random: make([]byte, 32), CipherSuite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		ExtendedMasterSecret: true, SecureRenegotiationSupported: true, ECPointFormats: []uint8{0}}
	rand.Read(sh.Random)
	if edit != nil {
		edit(sh)
	}
	return sh.Marshal()
}

// ext encodes one extension.
func rawExt(typ uint16, data []byte) []byte {
	return append([]byte{byte(typ >> 8), byte(typ), byte(len(data) >> 8), byte(len(data))}, data...)
}

// withExtensions appends extensions to the extension block that ends a
// ServerHello, fixing both lengths.
func withExtensions(msg []byte, exts ...[]byte) []byte {
	s := cryptobyte.String(msg[4:])
	var sid cryptobyte.String
	if !s.Skip(2+32) || !s.ReadUint8LengthPrefixed(&sid) || !s.Skip(3) {
		panic("withExtensions: not a ServerHello")
	}
	at := len(msg) - len(s) // the extension block's length, if any
	var block []byte
	if len(s) >= 2 {
		block = msg[at+2:]
	}
	block = append(slices.Clone(block), bytes.Join(exts, nil)...)
	out := append(slices.Clone(msg[:at]), byte(len(block)>>8), byte(len(block)))
	out = append(out, block...)
	n := len(out) - 4
	out[1], out[2], out[3] = byte(n>>16), byte(n>>8), byte(n)
	return out
}

// hsMessage encodes a handshake message from its type and body.
func hsMessage(typ uint8, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	return append([]byte{typ, byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b...)
}

// encryptedExtensions encodes an EncryptedExtensions of raw extensions.
func encryptedExtensions(exts ...[]byte) []byte {
	block := bytes.Join(exts, nil)
	return hsMessage(wire.TypeEncryptedExtensions, []byte{byte(len(block) >> 8), byte(len(block))}, block)
}

// signSKE replaces the point of a TLS 1.2 ServerKeyExchange and signs
// it again with key, as a server holding the key would.
func signSKE(m *mitm, msg []byte, group CurveID, point []byte, key crypto.Signer) []byte {
	var ske wire.ServerKeyExchange
	if err := ske.Unmarshal(msg); err != nil {
		m.t.Errorf("signSKE: %v", err)
		return msg
	}
	ske.Group, ske.PublicKey = uint16(group), point
	_, cr, sr := m.info.get()
	signed := slices.Concat(cr, sr, ske.Params())
	sig, err := key.Sign(nil, signed, crypto.Hash(0))
	if err != nil {
		m.t.Errorf("signSKE: %v", err)
	}
	ske.Scheme, ske.Signature = uint16(Ed25519), sig
	return ske.Marshal()
}

// runUT runs padlock under test: the handshake, then reads until the
// connection ends.
func runUT(ut *Conn) ([]byte, error) {
	if err := ut.Handshake(); err != nil {
		return nil, err
	}
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := ut.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			return got, err
		}
	}
}

// runPeer runs the honest peer: the handshake, "ping" and close_notify,
// then reads until the end.
func runPeer(peer *Conn) error {
	if err := peer.Handshake(); err != nil {
		return err
	}
	peer.Write([]byte("ping"))
	peer.CloseWrite()
	_, err := io.ReadAll(peer)
	return err
}

// endedCleanly reports whether a read that ended a socket met the end
// of the stream: io.EOF, or the reset a close with unread data makes.
func endedCleanly(err error) bool {
	return err == nil || err == io.EOF || errors.Is(err, syscall.ECONNRESET)
}

// checkUTError checks the error padlock under test ended with.
func checkUTError(t *testing.T, want expectation, err error) {
	t.Helper()
	var ae *AlertError
	isAlert := errors.As(err, &ae)
	switch {
	case want.remote:
		if !isAlert || !ae.Remote || ae.Description != want.desc {
			t.Errorf("padlock ended with %v, want the peer's %v", err, want.desc)
		}
	case want.level == 2:
		if !isAlert || ae.Remote || ae.Description != want.desc {
			t.Errorf("padlock ended with %v, want to send %v", err, want.desc)
		}
	case want.err != nil:
		if !errors.Is(err, want.err) {
			t.Errorf("padlock ended with %v, want %v", err, want.err)
		}
	default:
		if err != nil && err != io.EOF {
			t.Errorf("padlock ended with %v, want success", err)
		}
	}
}

// checkWire checks the alerts among the records padlock wrote.
func checkWire(t *testing.T, want expectation, recs []*rec) {
	t.Helper()
	var alerts []string
	fatalAt, warnings := -1, 0
	for i, r := range recs {
		if r.typ != record.Alert {
			continue
		}
		alerts = append(alerts, fmt.Sprintf("%x", r.data))
		if len(r.data) != 2 {
			t.Errorf("padlock wrote an alert of %d bytes", len(r.data))
			continue
		}
		switch {
		case r.data[0] == 2 && fatalAt < 0:
			fatalAt = i
		case r.data[0] == 2:
			t.Errorf("padlock wrote a second fatal alert %v", alert.Description(r.data[1]))
		case r.data[0] == 1 && (want.level == 1 || want.warned) && alert.Description(r.data[1]) == want.desc:
			warnings++
		case r.data[0] == 1 && r.data[1] == byte(alert.CloseNotify):
		default:
			t.Errorf("padlock wrote alert %x", r.data)
		}
	}
	switch want.level {
	case 2:
		if fatalAt < 0 {
			t.Errorf("padlock wrote no fatal alert (alerts %v), want %v", alerts, want.desc)
			return
		}
		if d := alert.Description(recs[fatalAt].data[1]); d != want.desc {
			t.Errorf("padlock wrote fatal %v, want %v", d, want.desc)
		}
		if fatalAt != len(recs)-1 {
			t.Errorf("padlock wrote %d records after its fatal alert", len(recs)-1-fatalAt)
		}
		if want.warned && warnings != 1 {
			t.Errorf("padlock wrote alerts %v, want one warning %v before the fatal alert", alerts, want.desc)
		}
	case 1:
		if warnings == 0 || fatalAt >= 0 {
			t.Errorf("padlock wrote alerts %v, want only a warning %v", alerts, want.desc)
		}
	default:
		if fatalAt >= 0 {
			t.Errorf("padlock wrote fatal %v, want no alert", alert.Description(recs[fatalAt].data[1]))
		}
	}
}

// checkSilentAfter checks that a connection padlock gave up on stays
// down: Read and Write fail at once and nothing more goes on the wire.
func checkSilentAfter(t *testing.T, ut *Conn, wire *lockedBuffer) {
	t.Helper()
	before := wire.Len()
	if _, err := ut.Write([]byte("more")); err == nil {
		t.Error("Write succeeded after the fatal alert")
	}
	ut.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := ut.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Errorf("Read after the fatal alert: %v", err)
	}
	if wire.Len() != before {
		t.Errorf("padlock wrote %d bytes after its fatal alert", wire.Len()-before)
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}

// recordingConn keeps a copy of everything written.
type recordingConn struct {
	net.Conn
	w *lockedBuffer
}

func (c recordingConn) Write(b []byte) (int, error) {
	c.w.Write(b)
	return c.Conn.Write(b)
}

// utStream is the decoder of what padlock under test wrote.
func utStream(ut *Conn, r role, vers uint16, log *keyLog) *stream {
	info := &helloInfo{cr: ut.random[0][:], sr: ut.random[1][:]}
	if ut.suite != nil {
		info.suite = ut.suite.ID
	}
	return &stream{vers: vers, sender: r, log: log, info: info}
}

func setDeadline(t time.Time, conns ...net.Conn) {
	for _, c := range conns {
		c.SetDeadline(t)
	}
}

// Certificates the rows need beyond the test chain, made once.
var (
	extraCertsOnce sync.Once
	strangerCert   Certificate // for localhost, from a CA nobody trusts
	expiredCert    Certificate // for localhost, from the test CA, expired yesterday
	strangerClient Certificate // a client certificate from the untrusted CA
)

func extraCerts(t testing.TB) {
	extraCertsOnce.Do(func() {
		other, err := pki.NewCA("stranger", pki.Ed25519, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := other.Issue(pki.IssueOptions{Hosts: []string{"localhost"}, KeyType: pki.Ed25519})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := other.Issue(pki.IssueOptions{CommonName: "stranger client", Client: true, KeyType: pki.Ed25519})
		if err != nil {
			t.Fatal(err)
		}
		ca, _ := pki.TestChain(pki.Ed25519)
		e, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}, KeyType: pki.Ed25519,
			NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		strangerCert = Certificate{Certificate: s.DER, PrivateKey: s.Key}
		strangerClient = Certificate{Certificate: sc.DER, PrivateKey: sc.Key}
		expiredCert = Certificate{Certificate: e.DER, PrivateKey: e.Key}
	})
}

// testClientCert is the client certificate of the test CA.
func testClientCert() Certificate {
	is := pki.TestClient(pki.Ed25519)
	return Certificate{Certificate: is.DER, PrivateKey: is.Key}
}

// rsaClientCert is the client certificate of the RSA test CA.
func rsaClientCert() Certificate {
	is := pki.TestClient(pki.RSA2048)
	return Certificate{Certificate: is.DER, PrivateKey: is.Key}
}

// serverKey is the private key of the Ed25519 test server certificate.
func serverKey(t testing.TB) crypto.Signer {
	cert, _ := testCert(t, pki.Ed25519)
	return cert.PrivateKey.(crypto.Signer)
}

// primeTicket runs one clean connection so that cc's cache holds a ticket
// from sc.
func primeTicket(t *testing.T, cc, sc *Config) {
	t.Helper()
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("priming connection: client %v, server %v", cerr, serr)
	}
	go func() { server.Write([]byte("x")); server.Close() }()
	io.ReadAll(client)
	client.Close()
}

// runAlertCase plays one row: padlock under test against the row's
// script or, through the man in the middle, against an honest peer.
func runAlertCase(t *testing.T, tc alertCase) {
	if tc.knownBug != "" {
		t.Skip("known bug: " + tc.knownBug)
	}
	start := time.Now()
	deadline := start.Add(rowBudget - 200*time.Millisecond)
	cc, sc := alertConfigs(t, tc.vers)
	utConf, peerConf := cc, sc
	if tc.role == asServer {
		utConf, peerConf = sc, cc
	}
	if tc.ut != nil {
		tc.ut(utConf)
	}
	if tc.peer != nil {
		tc.peer(peerConf)
	}
	if tc.prepare != nil {
		tc.prepare(t, cc, sc)
		start, deadline = time.Now(), time.Now().Add(rowBudget-200*time.Millisecond)
	}
	utLog, peerLog := &keyLog{}, &keyLog{}
	utConf.KeyLogWriter, peerConf.KeyLogWriter = utLog, peerLog

	a, b := tcpPair(t)
	setDeadline(deadline, a, b)
	written := &lockedBuffer{}
	ut := newConn(recordingConn{a, written}, utConf, tc.role == asClient)
	var wg sync.WaitGroup
	var m *mitm
	var peerErr error
	if tc.script != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tc.script(&script{t: t, c: b})
		}()
	} else {
		c, d := tcpPair(t)
		setDeadline(deadline, c, d)
		peer := newConn(d, peerConf, tc.role == asServer)
		if tc.peerHook != nil {
			tc.peerHook(peer)
		}
		m = &mitm{t: t, edit: tc.edit, n: map[string]int{}}
		m.toUT = &stream{vers: tc.vers, sender: !tc.role, log: peerLog, wait: time.Second, info: &m.info}
		wg.Add(3)
		go func() { defer wg.Done(); m.relayUp(b, c) }()
		go func() { defer wg.Done(); m.relayDown(c, b) }()
		go func() {
			defer wg.Done()
			peerErr = runPeer(peer)
			d.Close()
		}()
	}

	got, utErr := runUT(ut)
	t.Logf("padlock %s %s ended with: %v", tc.role, VersionName(tc.vers), utErr)
	checkUTError(t, tc.want, utErr)
	if tc.want.level == 2 || tc.want.remote {
		checkSilentAfter(t, ut, written)
	}
	if tc.check != nil {
		tc.check(t, ut, got)
	}
	ut.Close()
	wg.Wait()

	// Closed: the far end of padlock's socket meets the end of the
	// stream, with nothing after what the decoder saw.
	if m != nil {
		if !endedCleanly(m.utEnd) {
			t.Errorf("padlock's socket did not end cleanly: %v", m.utEnd)
		}
	} else {
		b.SetReadDeadline(deadline)
		if _, err := io.Copy(io.Discard, b); !endedCleanly(err) {
			t.Errorf("padlock's socket did not end cleanly: %v", err)
		}
	}
	recs, err := decodeAll(written.Bytes(), utStream(ut, tc.role, tc.vers, utLog))
	if err != nil {
		t.Errorf("decoding what padlock wrote: %v", err)
	}
	checkWire(t, tc.want, recs)
	if tc.wrote != nil {
		tc.wrote(t, recs)
	}
	// The peer, when it got that far, saw the same alert.
	var ae *AlertError
	if tc.want.level == 2 && errors.As(peerErr, &ae) && ae.Remote && ae.Description != tc.want.desc {
		t.Errorf("the peer received %v, want %v", ae.Description, tc.want.desc)
	}
	if d := time.Since(start); d > rowBudget {
		t.Errorf("row took %v", d)
	}
	if t.Failed() {
		t.Logf("hostile input: %s; padlock %s %s; want %v; peer error %v", tc.name, tc.role, VersionName(tc.vers), tc.want, peerErr)
	}
}

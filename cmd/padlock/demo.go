package main

import (
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"padlock"
	"padlock/internal/pki"
	"padlock/internal/suites"
	"padlock/trace"
)

const demoAbout = `
Runs a TLS client and a TLS server in this process, over loopback TCP, with
a CA and certificates made on the spot. They perform one handshake; the
client sends a message and the server replies. Every step of the handshake
is printed as it happens, with its real values and what it is for, then a
summary of what was agreed and a short account of what just happened.
`

// demoECHPublicName is the public name of demo --ech's ECH key: the name
// an observer sees in place of "localhost".
const demoECHPublicName = "public.example"

// demoMessage is what the client sends by default.
const demoMessage = "hello from the padlock client"

// demoOptions are the demo's settings, from its flags.
type demoOptions struct {
	version uint16
	rsaKX   bool
	mtls    bool
	resume  bool
	ech     bool // Encrypted Client Hello, for demoECHPublicName
	json    bool
	raw     bool
	records bool // trace every record (Config.TraceRecords)
	reveal  bool // show every secret and key as derived (Config.RevealSecrets)
	keylog  string
	svg     string // where to write the sequence diagram, if anywhere
	keyType pki.KeyType
	groups  []padlock.CurveID
	message string
	seed    uint64    // nonzero: deterministic randomness (tests)
	now     time.Time // non-zero: a fixed clock (tests)
}

func (c *cli) demo(args []string) int {
	fs := c.newFlags("demo", "padlock demo [flags]", demoAbout)
	f := defineDemoFlags(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	o, err := f.options(fs)
	if err != nil {
		return fs.usageError("%v", err)
	}
	return (&demoRun{c: c, o: o}).run()
}

// demoFlags are the demo's flags, before they are checked.
type demoFlags struct {
	version, kx, keylog, svg, keyType, groups, message, seed, now *string
	mtls, resume, ech, json, raw, records, reveal                 *bool
}

func defineDemoFlags(fs *flagSet) *demoFlags {
	f := &demoFlags{
		version: fs.String("version", "1.3", "the TLS version"),
		kx:      fs.String("kx", "ecdhe", "the key exchange: rsa is the TLS 1.2 RSA key transport, without forward secrecy (implies --version 1.2)"),
		mtls:    fs.Bool("mtls", false, "the server asks for a client certificate and verifies it (mutual TLS)"),
		resume:  fs.Bool("resume", false, "a second connection resumes the first session"),
		ech:     fs.Bool("ech", false, "Encrypted Client Hello: the server has an ECH key for the public name \"public.example\"; the client hides its real hello, for \"localhost\", inside one for that name (TLS 1.3)"),
		json:    fs.Bool("json", false, "print only the steps, as JSON, one event per line"),
		keylog:  fs.String("keylog", "", "append the secrets to `FILE` in the NSS key log format, for Wireshark (default $SSLKEYLOGFILE)"),
		keyType: fs.String("key-type", "", "the certificates' key `TYPE`: ecdsa-p256, ecdsa-p384, ed25519, rsa-2048 or rsa-3072 (default ecdsa-p256, or rsa-2048 with --kx rsa)"),
		groups:  fs.String("groups", "", "the key exchange groups the client offers, in preference order, comma-separated (default X25519MLKEM768,x25519,secp256r1,secp384r1)"),
		raw:     fs.Bool("raw", false, "also show the bytes of each message, as on the wire"),
		records: fs.Bool("records", false, "also show each record: its header, encrypted bytes, nonce, and decrypted content with its type and padding"),
		reveal:  fs.Bool("reveal", false, "show every secret and key as it is derived, with its inputs, and each record's nonce (implies --records); only the demo can, as it owns both sides"),
		svg:     fs.String("svg", "", "write the sequence diagram of the (first) handshake to `FILE`, as SVG"),
		message: fs.String("message", demoMessage, "what the client sends (`TEXT`)"),
		seed:    fs.String("seed", "", "deterministic randomness from this seed"),
		now:     fs.String("now", "", "a fixed clock, RFC 3339"),
	}
	fs.argName("version", "1.3|1.2")
	fs.argName("kx", "ecdhe|rsa")
	fs.argName("groups", "LIST")
	fs.hide("seed", "now")
	return f
}

// options checks the flags; its errors are usage errors.
func (f *demoFlags) options(fs *flagSet) (demoOptions, error) {
	o := demoOptions{mtls: *f.mtls, resume: *f.resume, ech: *f.ech, json: *f.json, raw: *f.raw, keylog: *f.keylog,
		records: *f.records || *f.reveal, reveal: *f.reveal, svg: *f.svg, message: *f.message}
	var err error
	if o.version, err = parseVersion(*f.version); err != nil {
		return o, fmt.Errorf("--version: %v", err)
	}
	switch strings.ToLower(*f.kx) {
	case "ecdhe":
	case "rsa":
		if fs.isSet("version") && o.version != padlock.VersionTLS12 {
			return o, errors.New("--kx rsa exists only in TLS 1.2: TLS 1.3 removed RSA key transport, which has no forward secrecy")
		}
		o.rsaKX, o.version = true, padlock.VersionTLS12
	default:
		return o, fmt.Errorf("--kx: unknown key exchange %q (want ecdhe or rsa)", *f.kx)
	}
	if o.ech && o.version != padlock.VersionTLS13 {
		return o, errors.New("--ech needs TLS 1.3: Encrypted Client Hello does not exist in TLS 1.2")
	}
	if o.keyType, err = f.certKeyType(o.rsaKX); err != nil {
		return o, err
	}
	if *f.groups != "" {
		if o.groups, err = parseGroups(*f.groups); err != nil {
			return o, fmt.Errorf("--groups: %v", err)
		}
	}
	if *f.seed != "" {
		if o.seed, err = strconv.ParseUint(*f.seed, 10, 64); err != nil || o.seed == 0 {
			return o, errors.New("--seed: want a positive integer")
		}
	}
	if *f.now != "" {
		if o.now, err = time.Parse(time.RFC3339, *f.now); err != nil {
			return o, fmt.Errorf("--now: %v", err)
		}
	}
	return o, nil
}

// certKeyType is the key type of the demo's certificates: RSA for RSA
// key transport, which encrypts to the certificate's key.
func (f *demoFlags) certKeyType(rsaKX bool) (pki.KeyType, error) {
	if *f.keyType == "" {
		if rsaKX {
			return pki.RSA2048, nil
		}
		return pki.ECDSAP256, nil
	}
	kt, err := pki.ParseKeyType(*f.keyType)
	if err != nil {
		return "", fmt.Errorf("--key-type: %v", err)
	}
	if rsaKX && kt != pki.RSA2048 && kt != pki.RSA3072 {
		return "", errors.New("--kx rsa needs an RSA certificate: --key-type rsa-2048 or rsa-3072")
	}
	return kt, nil
}

// demoRun is one run of the demo.
type demoRun struct {
	c      *cli
	o      demoOptions
	tracer *demoTracer
	text   *trace.TextWriter // the current connection's; nil with --json

	ca             *pki.CA
	server, client *pki.Issued
	echKey         *padlock.EncryptedClientHelloKey // with --ech
	keylog         io.WriteCloser
	revealedMu     sync.Mutex
	revealed       map[string]bool // name and value of each secret shown
}

// clock returns the demo's time: fixed in tests, else the real one.
func (d *demoRun) clock() time.Time {
	if !d.o.now.IsZero() {
		return d.o.now
	}
	return time.Now()
}

func (d *demoRun) run() int {
	c := d.c
	d.tracer = &demoTracer{clock: d.clock}
	if d.o.json {
		d.tracer.out = trace.NewJSONWriter(c.stdout).Trace
	}
	if err := d.makeCertificates(); err != nil {
		return c.failf("demo", "making the certificates: %v", err)
	}
	if d.o.ech {
		var err error
		if d.echKey, err = padlock.NewECHKey(demoECHPublicName); err != nil {
			return c.failf("demo", "making the ECH key: %v", err)
		}
	}
	kl, err := c.openKeyLog(d.o.keylog)
	if err != nil {
		return c.failf("demo", "key log: %v", err)
	}
	if kl != nil {
		d.keylog = kl
		defer kl.Close()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return c.failf("demo", "%v", err)
	}
	defer ln.Close()
	svg, err := d.createSVG()
	if err != nil {
		return c.failf("demo", "--svg: %v", err)
	}
	cc, sc := d.configs()
	if !d.o.json {
		d.writeHeader(ln.Addr())
	}
	first := d.connection(ln, cc, sc)
	if first.failed() {
		return d.fail(first)
	}
	drawn := d.stopRecording()
	if !d.o.json {
		d.writeSummary(first)
	}
	var second *demoResult
	if d.o.resume {
		if !d.o.json {
			d.writeResumeHeader()
		}
		r := d.connection(ln, cc, sc)
		if r.failed() {
			return d.fail(r)
		}
		second = &r
		if !d.o.json {
			d.writeResumeSummary(first, r)
		}
	}
	if !d.o.json {
		d.writeStory(first, second)
		d.writeComparison(first.client)
	}
	if err := d.writeSVG(svg, drawn, first.client.Version); err != nil {
		return c.failf("demo", "--svg: %v", err)
	}
	return exitOK
}

// makeCertificates makes the CA, the server's certificate and, for
// --mtls, the client's, valid around the demo's clock.
func (d *demoRun) makeCertificates() error {
	now := d.clock()
	var err error
	d.ca, err = pki.NewCA("padlock demo CA", d.o.keyType, now.Add(-time.Hour), now.Add(10*365*24*time.Hour))
	if err != nil {
		return err
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if d.o.ech {
		// A client whose ECH is rejected checks the certificate against
		// the public name (draft-ietf-tls-esni section 6.1.7).
		hosts = append(hosts, demoECHPublicName)
	}
	d.server, err = d.ca.Issue(pki.IssueOptions{
		Hosts:     hosts,
		KeyType:   d.o.keyType,
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(365 * 24 * time.Hour),
	})
	if err != nil || !d.o.mtls {
		return err
	}
	d.client, err = d.ca.Issue(pki.IssueOptions{
		CommonName: "padlock demo client",
		Client:     true,
		KeyType:    d.o.keyType,
		NotBefore:  now.Add(-time.Hour),
		NotAfter:   now.Add(365 * 24 * time.Hour),
	})
	return err
}

// configs returns the client's and the server's configuration.
func (d *demoRun) configs() (cc, sc *padlock.Config) {
	cc = &padlock.Config{
		ServerName:       "localhost",
		RootCAs:          d.ca.Pool(),
		CurvePreferences: d.o.groups,
		Time:             d.clock,
		Trace:            d.tracer.Trace,
		// The plain demo shows the handshake itself; GREASE ECH, a
		// decoy for observers, belongs to demo --ech.
		DisableECHGREASE: true,
	}
	sc = &padlock.Config{
		Certificates: []padlock.Certificate{{Certificate: d.server.DER, PrivateKey: d.server.Key, Leaf: d.server.Cert}},
		Time:         d.clock,
		Trace:        d.tracer.Trace,
	}
	cc.TraceRecords, sc.TraceRecords = d.o.records, d.o.records
	if d.o.reveal {
		// Both sides derive the same values; each is shown once, by the
		// side that derives it first, so it comes before its first use.
		cc.RevealSecrets, sc.RevealSecrets = d.revealSecret, d.revealSecret
	}
	if d.keylog != nil {
		// The client's log is enough: both sides hold the same secrets.
		cc.KeyLogWriter = d.keylog
	}
	if d.o.version == padlock.VersionTLS12 {
		cc.MaxVersion = padlock.VersionTLS12
	}
	if d.o.rsaKX {
		cc.CipherSuites = append([]uint16(nil), suites.RSAKeyTransport12...)
		sc.EnableRSAKeyExchange = true
	}
	if d.o.resume {
		cc.ClientSessionCache = padlock.NewLRUClientSessionCache(0)
	}
	if d.o.mtls {
		sc.ClientAuth = padlock.RequireAndVerifyClientCert
		sc.ClientCAs = d.ca.Pool()
		cc.Certificates = []padlock.Certificate{{Certificate: d.client.DER, PrivateKey: d.client.Key, Leaf: d.client.Cert}}
	}
	if d.echKey != nil {
		// The client gets the list as a DNS HTTPS record would give it.
		sc.EncryptedClientHelloKeys = []padlock.EncryptedClientHelloKey{*d.echKey}
		cc.EncryptedClientHelloConfigList = padlock.ECHConfigList(*d.echKey)
	}
	if d.o.seed != 0 {
		cc.Rand = seededRand(d.o.seed, 'c')
		sc.Rand = seededRand(d.o.seed, 's')
	}
	return cc, sc
}

// seededRand returns a deterministic stream for one side.
func seededRand(seed uint64, side byte) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	s[31] = side
	return rand.NewChaCha8(s)
}

// fail reports a failed connection: both sides' errors, the alert, and
// what it means.
func (d *demoRun) fail(r demoResult) int {
	w := d.c.stderr
	fmt.Fprintln(w, "padlock demo: the handshake failed.")
	if r.clientErr != nil {
		writeFailure(w, "  client: ", r.clientErr, "")
	}
	if r.serverErr != nil {
		writeFailure(w, "  server: ", r.serverErr, "")
	}
	err := r.clientErr
	if err == nil {
		err = r.serverErr
	}
	x := failureContext{addr: "the demo server", serverName: "localhost", sentCert: d.o.mtls, now: d.clock(), noSuites: true}
	writeExplanation(w, explainFailure(err, r.client, x))
	return exitFail
}

// demoTracer stamps both sides' events with the time since the current
// connection began, so one stream has one timeline.
type demoTracer struct {
	mu    sync.Mutex
	t0    time.Time
	out   trace.Tracer
	rec   *trace.Recorder // also gets the events, when set (for --svg)
	clock func() time.Time
}

// start begins a new connection's timeline, printed to out when it is
// not nil.
func (t *demoTracer) start(out trace.Tracer) {
	t.mu.Lock()
	t.t0 = t.clock()
	if out != nil {
		t.out = out
	}
	t.mu.Unlock()
}

// Trace is the Tracer both sides share.
func (t *demoTracer) Trace(e trace.Event) { t.trace(e, true) }

// trace prints e and, if draw, records it for the diagram.
func (t *demoTracer) trace(e trace.Event, draw bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.Time = t.clock().Sub(t.t0)
	t.out(e)
	if draw && t.rec != nil {
		t.rec.Trace(e)
	}
}

// describeCert is a certificate in the summary's words.
func describeCert(c *x509.Certificate) string {
	return fmt.Sprintf("%s%s\nissued by %s\nvalid %s to %s, %s key",
		c.Subject, forNames(c, ", for "), c.Issuer,
		c.NotBefore.UTC().Format("2006-01-02 15:04"), c.NotAfter.UTC().Format("2006-01-02 15:04 MST"), keyName(c.PublicKey))
}

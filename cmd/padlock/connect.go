package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"padlock"
	"padlock/certcompress"
	"padlock/internal/wire"
	"padlock/starttls"
	"padlock/trace"
)

const connectAbout = `
Connects to a TLS server, like openssl s_client: prints every step of the
handshake and what was negotiated, then sends --send (or standard input)
and prints what comes back until the server closes the connection or
--timeout passes without a word from it. On failure it says why, in plain
words, and what to try.
`

// emptyInputWait is how long connect waits for the server after empty
// standard input.
const emptyInputWait = time.Second

// connectOptions are connect's settings, from its flags.
type connectOptions struct {
	addr      string // HOST:PORT
	send      []byte
	sendSet   bool
	reconnect int
	early     []byte // --early-data: sent as 0-RTT data by each reconnection
	timeout   time.Duration
	json      bool
	raw       bool
	records   bool // trace each record (Config.TraceRecords)
	echRetry  bool // retry once with the configs of a server that rejected ECH
	starttls  starttls.Protocol
	brief     bool   // the summary only, no steps
	quiet     bool   // the data only
	showCerts bool   // the server's chain in PEM after the summary
	httpPath  string // with a URL or --http: GET this path and show the response
	httpHost  string // the Host header
}

func (c *cli) connect(args []string) int {
	fs := c.newFlags("connect", "padlock connect [flags] HOST:PORT", connectAbout)
	f := defineConnectFlags(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) != 1 {
		return fs.usageError("want one HOST:PORT, got %d arguments", len(pos))
	}
	o, cfg, err := f.options(fs, pos[0])
	if err != nil {
		return fs.usageError("%v", err)
	}
	if cfg.InsecureSkipVerify {
		fmt.Fprintf(c.stderr, "padlock connect: WARNING: --insecure: the server's certificate is NOT verified.\n"+
			"  Anyone between you and %s can pose as it and read what you send. Use this to look, never to send secrets.\n", o.addr)
	}
	kl, err := c.openKeyLog(*f.tls.keylog)
	if err != nil {
		return c.failf("connect", "key log: %v", err)
	}
	if kl != nil {
		cfg.KeyLogWriter = kl
		defer kl.Close()
	}
	r := &connectRun{c: c, o: o, cfg: cfg}
	for i := 0; i <= o.reconnect; i++ {
		if !r.once(i) {
			return exitFail
		}
	}
	return exitOK
}

// connectFlags are connect's flags, before they are checked.
type connectFlags struct {
	serverName, caFile, certFile, keyFile, send, early, echConfig, starttls *string
	insecure, json, raw, records, certCompression, echRetry, noECHGrease    *bool
	brief, quiet, showCerts, http                                           *bool
	reconnect                                                               *int
	timeout                                                                 *time.Duration
	tls                                                                     tlsFlags
}

func defineConnectFlags(fs *flagSet) *connectFlags {
	f := &connectFlags{
		serverName: fs.String("servername", "", "the `NAME` to send (SNI) and to verify in the certificate (default HOST)"),
		caFile:     fs.String("ca", "", "trust the CA certificates in `FILE` (PEM) instead of the system's"),
		insecure:   fs.Bool("insecure", false, "do not verify the server's certificate: anyone in the path could pose as the server"),
	}
	f.tls.register(fs, "")
	f.certFile = fs.String("cert", "", "a client certificate chain, PEM, for servers that ask")
	f.keyFile = fs.String("key", "", "the client certificate's private key, PEM")
	f.certCompression = fs.Bool("cert-compression", true, "offer to receive the server's certificate compressed with brotli, zstd or zlib (RFC 8879); --cert-compression=false offers none")
	f.echConfig = fs.String("ech-config", "", "offer Encrypted Client Hello with this ECHConfigList: a PEM file with an ECHCONFIG block, a file holding it in base64, or the base64 itself")
	f.echRetry = fs.Bool("ech-retry", true, "when the server rejects ECH and sends new configs, connect once more with them, as browsers do; --ech-retry=false only prints them")
	f.noECHGrease = fs.Bool("no-ech-grease", false, "without --ech-config, send no GREASE ECH extension (sent by default, as browsers do, so that ECH users do not stand out)")
	f.starttls = fs.String("starttls", "", "first speak `PROTOCOL`'s plaintext opening and ask it to upgrade to TLS, as s_client -starttls: smtp, imap, pop3, ftp, xmpp or postgres (without a port, the protocol's own)")
	f.reconnect = fs.Int("reconnect", 0, "after the first connection, `N` more that try to resume its session")
	f.early = fs.String("early-data", "", "with --reconnect, send `STRING` as 0-RTT data with each resuming ClientHello, when the ticket allows it (sent again after the handshake if the server rejects it)")
	f.send = fs.String("send", "", "write `STRING` instead of standard input (\\n, \\r and \\t are understood)")
	f.timeout = fs.Duration("timeout", 10*time.Second, "how long to wait for the handshake, then for more data from the server")
	f.json = fs.Bool("json", false, "print one JSON object per connection, one per line, instead of the steps")
	f.raw = fs.Bool("raw", false, "also show the bytes of each message, as on the wire")
	f.records = fs.Bool("records", false, "also show each record padlock sent and received: header, encrypted bytes, nonce, and the decrypted content with its type and padding (never a key)")
	f.http = fs.Bool("http", false, "after the handshake, send GET / (the URL's path when the target is https://...) and show the response's status and headers")
	f.brief = fs.Bool("brief", false, "print only the summary of what was negotiated and who the server is, not the steps")
	f.quiet = fs.Bool("quiet", false, "print only the data the server sends (failures still go to standard error)")
	f.showCerts = fs.Bool("showcerts", false, "print the server's certificate chain in PEM, as sent, after the summary (openssl x509 reads it)")
	fs.argNames(map[string]string{"cert": "FILE", "key": "FILE", "timeout": "DURATION", "ech-config": "FILE|BASE64"})
	return f
}

// options checks the flags and the address and makes the client's
// configuration; its errors are usage errors.
func (f *connectFlags) options(fs *flagSet, target string) (connectOptions, *padlock.Config, error) {
	o := connectOptions{reconnect: *f.reconnect, timeout: *f.timeout, json: *f.json, raw: *f.raw, records: *f.records, echRetry: *f.echRetry,
		brief: *f.brief, quiet: *f.quiet, showCerts: *f.showCerts,
		sendSet: fs.isSet("send"), send: []byte(unescape(*f.send)), early: []byte(unescape(*f.early))}
	if *f.starttls != "" {
		o.starttls = starttls.Protocol(strings.ToLower(*f.starttls))
		if _, ok := starttlsPorts[o.starttls]; !ok {
			return o, nil, fmt.Errorf("--starttls %s: want one of %v", *f.starttls, starttls.Protocols())
		}
		if _, _, err := net.SplitHostPort(target); err != nil && !strings.Contains(strings.Trim(target, "[]"), ":") {
			target = net.JoinHostPort(strings.Trim(target, "[]"), starttlsPorts[o.starttls])
		}
	}
	if u, ok, err := parseHTTPSURL(target); err != nil {
		return o, nil, err
	} else if ok {
		target, o.httpPath, o.httpHost = u.Host, u.RequestURI(), u.Host
		if u.Port() == "443" || u.Port() == "" {
			o.httpHost = u.Hostname()
		}
	} else if *f.http {
		o.httpPath, o.httpHost = "/", strings.TrimSuffix(target, ":443")
	}
	if o.httpPath != "" && o.sendSet {
		return o, nil, errors.New("--send and an HTTP request (a URL or --http) both say what to send: give one")
	}
	addr, host, err := hostPort(target)
	if err != nil {
		return o, nil, err
	}
	o.addr = addr
	if o.reconnect < 0 || o.timeout <= 0 {
		return o, nil, errors.New("--reconnect must be 0 or more and --timeout positive")
	}
	if n := countTrue(o.json, o.brief, o.quiet); n > 1 || (n == 1 && o.raw) {
		return o, nil, errors.New("--json, --brief, --quiet and --raw choose different outputs: give one")
	}
	if o.records && (o.brief || o.quiet) {
		return o, nil, errors.New("--records adds to the steps, which --brief and --quiet leave out: give one")
	}
	cfg := &padlock.Config{ServerName: *f.serverName, InsecureSkipVerify: *f.insecure, TraceRecords: o.records}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if err := f.tls.apply(cfg); err != nil {
		return o, nil, err
	}
	cfg.DisableECHGREASE = *f.noECHGrease
	if *f.echConfig != "" {
		if cfg.EncryptedClientHelloConfigList, err = loadECHConfigList(*f.echConfig); err != nil {
			return o, nil, fmt.Errorf("--ech-config: %v", err)
		}
	}
	if *f.caFile != "" {
		if cfg.RootCAs, err = loadPool(*f.caFile); err != nil {
			return o, nil, fmt.Errorf("--ca: %v", err)
		}
	}
	if (*f.certFile == "") != (*f.keyFile == "") {
		return o, nil, errors.New("--cert and --key go together")
	}
	if *f.certFile != "" {
		cert, err := padlock.LoadX509KeyPair(*f.certFile, *f.keyFile)
		if err != nil {
			return o, nil, fmt.Errorf("--cert/--key: %v", err)
		}
		cfg.Certificates = []padlock.Certificate{cert}
	}
	if o.httpPath != "" {
		cfg.NextProtos = []string{"http/1.1"}
	}
	if *f.certCompression {
		cfg.CertificateCompression = []padlock.CertificateCompressor{certcompress.Brotli{}, certcompress.Zstd{}, padlock.ZlibCompressor{}}
	}
	if o.reconnect > 0 {
		cfg.ClientSessionCache = padlock.NewLRUClientSessionCache(0)
	}
	if len(o.early) > 0 {
		if o.reconnect == 0 {
			return o, nil, errors.New("--early-data needs --reconnect: only a connection that resumes a session can send early data")
		}
		cfg.SendEarlyData = true
	}
	return o, cfg, nil
}

// hostPort completes HOST to HOST:443 and returns the host alone too.
func hostPort(s string) (addr, host string, err error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Contains(s, ":") && !strings.HasPrefix(s, "[") && strings.Count(s, ":") == 1 {
			return "", "", fmt.Errorf("bad address %q: want HOST:PORT", s)
		}
		host, port = strings.Trim(s, "[]"), "443"
	}
	if host == "" {
		return "", "", fmt.Errorf("bad address %q: no host", s)
	}
	return net.JoinHostPort(host, port), host, nil
}

// loadPool reads a pool of PEM certificates.
func loadPool(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("no PEM certificate in %s", file)
	}
	return pool, nil
}

// unescape turns \n, \r, \t and \\ into the characters they name.
func unescape(s string) string {
	return strings.NewReplacer(`\r`, "\r", `\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(s)
}

// connectRun is one run of connect: its connections share the settings.
type connectRun struct {
	c          *cli
	o          connectOptions
	cfg        *padlock.Config
	echRetried bool // a rejection's retry configs were tried once already
}

// once makes connection number n (0 first) and reports whether it
// succeeded.
func (r *connectRun) once(n int) bool {
	c := r.c
	cfg := r.cfg.Clone()
	var rec trace.Recorder
	if r.o.json {
		cfg.Trace = rec.Trace
	} else {
		if r.o.reconnect > 0 {
			fmt.Fprintf(c.stdout, "%s\nConnection %d of %d to %s\n%s\n", rule, n+1, r.o.reconnect+1, r.o.addr, rule)
		}
		if !r.o.brief && !r.o.quiet {
			cfg.Trace = c.textTracer(r.o.raw, r.o.records).Trace
		}
	}
	var early []byte
	if n > 0 {
		early = r.o.early
	}
	conn, err := r.dial(cfg, early)
	var st padlock.ConnectionState
	if conn != nil {
		st = conn.ConnectionState()
	}
	if err != nil {
		x := r.failure(cfg)
		if r.o.json {
			rep := newConnReport(st, rec.Events(), err)
			if rep.ServerName == "" {
				rep.ServerName = cfg.ServerName
			}
			r.printJSON(rep, "", r.echReport(cfg, st, err))
		}
		var rej *padlock.ECHRejectionError
		if errors.As(err, &rej) {
			return r.echRejected(n, cfg, rej)
		}
		writeFailure(c.stderr, "padlock connect: "+r.o.addr+": ", err, explainFailure(err, st, x))
		return false
	}
	defer conn.Close()
	if !r.o.json && !r.o.quiet {
		r.printNegotiated(st, n)
	}
	if r.o.showCerts {
		printChainPEM(c.stdout, st.PeerCertificates)
	}
	if len(early) > 0 && !st.EarlyDataAccepted {
		// Rejected early data never reached the server: send it now.
		if _, err := conn.Write(early); err != nil {
			writeFailure(c.stderr, "padlock connect: "+r.o.addr+": ", err, explainFailure(err, st, r.failure(cfg)))
			return false
		}
	}
	var got strings.Builder
	out := io.Writer(c.stdout)
	if r.o.json {
		out = &got
	}
	if r.o.httpPath != "" {
		err = r.httpExchange(conn, out)
	} else {
		err = r.exchange(conn, n == 0, out)
	}
	if r.o.json {
		r.printJSON(newConnReport(conn.ConnectionState(), rec.Events(), err), got.String(), r.echReport(cfg, st, nil))
	}
	if err != nil {
		// In TLS 1.3 the server checks the client's certificate after the
		// client's handshake is over: its verdict arrives as an alert here.
		x := r.failure(cfg)
		writeFailure(c.stderr, "padlock connect: "+r.o.addr+": ", err, explainFailure(err, st, x))
		return false
	}
	return true
}

// failure is what explanations of this run's failures may refer to.
func (r *connectRun) failure(cfg *padlock.Config) failureContext {
	return failureContext{addr: r.o.addr, serverName: cfg.ServerName, sentCert: len(cfg.Certificates) > 0,
		requireEMS: cfg.RequireExtendedMasterSecret, minVersion: cfg.MinVersion, maxVersion: cfg.MaxVersion, now: r.c.now()}
}

// dial connects and runs the handshake within --timeout. The returned
// conn is set, for its state, even when the handshake failed.
func (r *connectRun) dial(cfg *padlock.Config, early []byte) (*padlock.Conn, error) {
	ctx, cancel := context.WithTimeout(r.c.ctx, r.o.timeout)
	defer cancel()
	raw, err := new(net.Dialer).DialContext(ctx, "tcp", r.o.addr)
	if err != nil {
		return nil, err
	}
	if r.o.starttls != "" {
		lines, err := starttls.Negotiate(ctx, raw, r.o.starttls, cfg.ServerName)
		if !r.o.json {
			r.printOpening(lines)
		}
		if err != nil {
			raw.Close()
			return nil, err
		}
	}
	conn := padlock.Client(raw, cfg)
	if len(early) > 0 {
		conn.WriteEarly(early)
	}
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return conn, err
	}
	return conn, nil
}

// starttlsPorts are the protocols' own ports, for a target without one.
var starttlsPorts = map[starttls.Protocol]string{
	starttls.SMTP: "25", starttls.IMAP: "143", starttls.POP3: "110", starttls.FTP: "21",
	starttls.XMPP: "5222", starttls.Postgres: "5432",
}

// printOpening shows the plaintext exchange of --starttls, as it went.
func (r *connectRun) printOpening(lines []starttls.Line) {
	fmt.Fprintf(r.c.stdout, "%s\n%s opening, in plaintext, before the TLS handshake\n", rule, strings.ToUpper(string(r.o.starttls)))
	for _, l := range lines {
		who := "server"
		if l.FromClient {
			who = "client"
		}
		fmt.Fprintf(r.c.stdout, "  %s: %s\n", who, trace.Printable(l.Text))
	}
}

// printJSON prints one connection's JSON object on its own line.
func (r *connectRun) printJSON(rep connReport, received string, ech *connectECH) {
	type withData struct {
		connReport
		Received string      `json:"received,omitempty"`
		ECH      *connectECH `json:"ech,omitempty"`
	}
	b, err := json.Marshal(withData{rep, received, ech})
	if err != nil {
		fmt.Fprintf(r.c.stderr, "padlock connect: %v\n", err)
		return
	}
	r.c.stdout.Write(append(b, '\n'))
}

// printNegotiated lists what the handshake agreed on and who the server is.
func (r *connectRun) printNegotiated(st padlock.ConnectionState, n int) {
	t := &table{w: r.c.stdout, title: rule + "\nNegotiated with " + r.o.addr}
	t.add("version", "%s", padlock.VersionName(st.Version))
	t.add("cipher suite", "%s", padlock.CipherSuiteName(st.CipherSuite))
	if st.CurveID != 0 {
		t.add("key exchange", "%s", st.CurveID)
	} else {
		t.add("key exchange", "RSA key transport (no forward secrecy)")
	}
	if st.SignatureScheme != 0 {
		t.add("signature scheme", "%s", st.SignatureScheme)
	}
	if st.NegotiatedProtocol != "" {
		t.add("ALPN", "%s", st.NegotiatedProtocol)
	} else {
		t.add("ALPN", "none")
	}
	t.add("server name", "%s", orNone(r.cfg.ServerName))
	t.add("ECH", "%s", r.echWords(st))
	switch {
	case st.CertificateCompression != 0:
		t.add("cert compression", "%s", wire.CertCompressionName(st.CertificateCompression))
	case st.DidResume:
		// A resumption sends no certificate.
	case len(r.cfg.CertificateCompression) > 0:
		t.add("cert compression", "none: offered, the server sent its certificate as it is")
	default:
		t.add("cert compression", "none: not offered (--cert-compression=false)")
	}
	switch {
	case st.DidResume:
		t.add("resumed", "yes")
	case n > 0:
		t.add("resumed", "no: a full handshake (the server did not resume the session)")
	default:
		t.add("resumed", "no")
	}
	if n > 0 && len(r.o.early) > 0 {
		if st.EarlyDataAccepted {
			t.add("early data", "accepted: %d bytes sent with the ClientHello (0-RTT; a replay could repeat them)", len(r.o.early))
		} else {
			t.add("early data", "not accepted: sent again after the handshake")
		}
	}
	switch {
	case len(st.VerifiedChains) > 0:
		names := make([]string, len(st.VerifiedChains[0]))
		for i, c := range st.VerifiedChains[0] {
			names[i] = certName(c.Subject)
		}
		t.add("verified", "yes: %s", strings.Join(names, " <- "))
	case r.cfg.InsecureSkipVerify:
		t.add("verified", "NO: --insecure; %s", insecureVerdict(st.PeerCertificates, r.cfg, r.c.now()))
	}
	for i, c := range st.PeerCertificates {
		t.add(fmt.Sprintf("certificate %d", i), "%s%s\nissued by %s\nvalid until %s, %s key\nSHA-256 %s",
			certName(c.Subject), forNames(c, "\nfor "), certName(c.Issuer), c.NotAfter.UTC().Format(time.RFC3339), keyName(c.PublicKey), fingerprint(c))
	}
	t.flush()
}

// exchange sends --send, or standard input on the first connection, and
// copies what the server sends to out until it closes or goes quiet for
// --timeout. It returns an error only for an alert that ended the
// connection.
func (r *connectRun) exchange(conn *padlock.Conn, first bool, out io.Writer) error {
	c := r.c
	// A person typing at a terminal gets no --timeout until they end
	// their input; anything else does from the start. Empty input asked
	// for nothing, so only a short wait follows it, for a banner or a
	// late alert.
	var mu sync.Mutex
	idle := r.o.timeout
	switch {
	case r.o.sendSet:
		if _, err := conn.Write(r.o.send); err != nil {
			return r.readError(err)
		}
	case first && !(r.o.json && isTerminal(c.stdin)):
		if isTerminal(c.stdin) {
			idle = 0
		}
		go func() {
			n, _ := io.Copy(conn, c.stdin)
			mu.Lock()
			idle = r.o.timeout
			if n == 0 {
				idle = min(idle, emptyInputWait)
			}
			conn.SetReadDeadline(time.Now().Add(idle))
			mu.Unlock()
		}()
	default:
		return nil // nothing to send: the handshake was the point
	}
	buf := make([]byte, 32<<10)
	for {
		mu.Lock()
		if idle > 0 {
			conn.SetReadDeadline(time.Now().Add(idle))
		}
		mu.Unlock()
		n, err := conn.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return r.readError(err)
		}
	}
}

// readError notes how the data exchange ended and returns err if it was
// an alert.
func (r *connectRun) readError(err error) error {
	var ne net.Error
	var ae *padlock.AlertError
	switch {
	case errors.Is(err, io.EOF):
		r.note("the server closed the connection (close_notify)")
	case errors.As(err, &ae):
		return err
	case errors.As(err, &ne) && ne.Timeout():
		r.note("nothing more from the server; closing")
	case errors.Is(err, io.ErrUnexpectedEOF):
		r.note("the server cut the connection without close_notify: the data may be incomplete")
	default:
		r.note("%v", err)
	}
	return nil
}

// note prints a remark about the connection, in text mode, on its own
// line after whatever data came before.
func (r *connectRun) note(format string, args ...any) {
	if r.o.json || r.o.quiet {
		return
	}
	fmt.Fprintf(r.c.stdout, "\n── %s\n", fmt.Sprintf(format, args...))
}

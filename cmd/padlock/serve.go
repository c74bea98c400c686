package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"padlock"
	"padlock/certcompress"
	"padlock/internal/pki"
	"padlock/internal/suites"
	"padlock/padlockhttp"
	"padlock/trace"
)

const serveAbout = `
An HTTPS server on padlock that shows each visitor its own handshake: GET /
is a page with the version, cipher suite and group agreed and why the
server chose them; what the browser offered, every extension decoded and
GREASE marked; its JA3 and JA4 fingerprints and a rating of its offer; a
sequence diagram; every step with its values; and every message byte by
byte. GET /api/handshake is the same as JSON. Each connection is logged on
stderr.

Without --cert and --key it makes, once, a local CA and a certificate for
localhost, 127.0.0.1 and ::1 under --state-dir, and prints the path of the
CA certificate to trust (e.g. curl --cacert PATH https://localhost:8443/).
SIGINT or SIGTERM stops it: no new connections, open requests finish.

A TLS 1.2 client without the extended master secret (RFC 7627), such as
OpenSSL 1.0.2, is served, as most servers do, but its session is never
resumed, no keying material is exported from it, and the page marks the
weakness; with --require-ems it is refused with a handshake_failure alert.
`

// serveShutdownTimeout bounds how long open requests may take to finish
// after a signal.
const serveShutdownTimeout = 10 * time.Second

func (c *cli) serve(args []string) int {
	fs := c.newFlags("serve", "padlock serve [flags]", serveAbout)
	f := defineServeFlags(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	cfg, err := f.config()
	if err != nil {
		return fs.usageError("%v", err)
	}
	s := &server{c: c, log: log.New(c.stderr, "", log.LstdFlags)}
	if cfg.EncryptedClientHelloKeys, err = loadECHKeys(*f.echKeys); err != nil {
		return c.failf("serve", "--ech-key: %v", err)
	}
	s.cfgKeys = cfg.EncryptedClientHelloKeys
	var localCA *pki.CA
	if *f.certFile != "" {
		cert, err := padlock.LoadX509KeyPair(*f.certFile, *f.keyFile)
		if err != nil {
			return c.failf("serve", "%v", err)
		}
		cfg.Certificates = []padlock.Certificate{cert}
		s.warnECHNames(cert)
	} else if localCA, err = s.localCertificate(cfg, *f.stateDir); err != nil {
		return c.failf("serve", "%v", err)
	}
	if err := s.clientAuth(cfg, *f.clientAuth, *f.clientCA, localCA); err != nil {
		return fs.usageError("%v", err)
	}
	kl, err := c.openKeyLog(*f.tls.keylog)
	if err != nil {
		return c.failf("serve", "key log: %v", err)
	}
	if kl != nil {
		cfg.KeyLogWriter = kl
		defer kl.Close()
	}
	if code := s.startFleet(fs, &f.fleet, cfg); code != exitOK {
		return code
	}
	defer s.stopFleet()
	return s.run(*f.addr, cfg)
}

// serveFlags are serve's flags, before they are checked.
type serveFlags struct {
	addr, certFile, keyFile, stateDir, clientAuth, clientCA *string
	rsaKX, statelessRetry                                   *bool
	maxEarly                                                *int
	echKeys                                                 *[]string
	tls                                                     tlsFlags
	fleet                                                   fleetFlags // see fleet.go
}

func defineServeFlags(fs *flagSet) *serveFlags {
	f := &serveFlags{
		addr:       fs.String("addr", "127.0.0.1:8443", "where to listen"),
		certFile:   fs.String("cert", "", "the certificate chain, PEM, leaf first"),
		keyFile:    fs.String("key", "", "the certificate's private key, PEM"),
		stateDir:   fs.String("state-dir", defaultStateDir(), "where the local CA and certificate are kept"),
		clientAuth: fs.String("client-auth", "none", "whether to ask for client certificates, and to require one"),
		clientCA:   fs.String("client-ca", "", "the CAs client certificates must chain to, PEM (default the local CA)"),
	}
	fs.argName("client-auth", "none|request|require")
	fs.argNames(map[string]string{"addr": "HOST:PORT", "cert": "FILE", "key": "FILE", "state-dir": "DIR", "client-ca": "FILE"})
	f.tls.register(fs, "h2,http/1.1")
	f.rsaKX = fs.Bool("rsa-kx", false, "also accept the TLS 1.2 RSA key transport suites (no forward secrecy; needs an RSA certificate)")
	f.maxEarly = fs.Int("max-early-data", 0, "accept up to `BYTES` of TLS 1.3 0-RTT data on resumed connections (0: none)")
	f.statelessRetry = fs.Bool("stateless-retry", false, "keep nothing between a HelloRetryRequest and the second ClientHello: the state goes, sealed, in the HelloRetryRequest's cookie (RFC 8446 section 4.2.2)")
	f.echKeys = fs.Strings("ech-key", "serve Encrypted Client Hello with the key in `FILE` (from padlock ech keygen); repeatable or a comma-separated list, the first key's config goes to clients as the retry config")
	f.fleet.register(fs)
	return f
}

// config checks the flags, before anything touches the disk, and makes
// the server's configuration but for its certificates; its errors are
// usage errors.
func (f *serveFlags) config() (*padlock.Config, error) {
	switch *f.clientAuth {
	case "none", "request", "require":
	default:
		return nil, fmt.Errorf("--client-auth: unknown mode %q (want none, request or require)", *f.clientAuth)
	}
	if (*f.certFile == "") != (*f.keyFile == "") {
		return nil, errors.New("--cert and --key go together")
	}
	if *f.certFile == "" && *f.stateDir == "" {
		return nil, errors.New("no --state-dir, and the user's config directory is unknown")
	}
	if *f.maxEarly < 0 || *f.maxEarly > math.MaxUint32 {
		return nil, errors.New("--max-early-data must be between 0 and 4294967295")
	}
	cfg := &padlock.Config{EnableRSAKeyExchange: *f.rsaKX, MaxEarlyData: uint32(*f.maxEarly), StatelessRetry: *f.statelessRetry,
		// The certificate goes compressed to a visitor that offers one of
		// these (RFC 8879): Chrome offers brotli.
		CertificateCompression: []padlock.CertificateCompressor{certcompress.Brotli{}, certcompress.Zstd{}, padlock.ZlibCompressor{}},
	}
	if err := f.tls.apply(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// defaultStateDir is padlock/ under the user's config directory.
func defaultStateDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "padlock")
}

// server is a running padlock serve.
type server struct {
	c      *cli
	log    *log.Logger
	caPath string          // the local CA to trust, if there is one
	cfg    *padlock.Config // the configuration served, for explaining its choices
	// cfgKeys are the ECH keys served, known before cfg is set.
	cfgKeys []padlock.EncryptedClientHelloKey
	fleet   *fleetServer // see fleet.go
	results *resultStore // the reports kept for their permalinks
}

// serveHosts are the names of the local certificate.
var serveHosts = []string{"localhost", "127.0.0.1", "::1"}

// localCertificate loads or makes the local CA under dir, and the
// localhost certificate it issued, and sets it in cfg.
func (s *server) localCertificate(cfg *padlock.Config, dir string) (*pki.CA, error) {
	ca, created, err := pki.LoadOrCreateCA(dir, pki.ECDSAP256)
	if err != nil {
		return nil, err
	}
	s.caPath = filepath.Join(dir, pki.CACertFile)
	if created {
		fmt.Fprintf(s.c.stdout, "padlock serve: created a local CA in %s\n", dir)
	}
	certPath, keyPath := filepath.Join(dir, "localhost.pem"), filepath.Join(dir, "localhost-key.pem")
	hosts := append(append([]string(nil), serveHosts...), echPublicNames(cfg.EncryptedClientHelloKeys)...)
	cert, err := padlock.LoadX509KeyPair(certPath, keyPath)
	if err != nil || !usableLocalCert(cert.Leaf, ca, s.c.now(), hosts) {
		is, err := ca.Issue(pki.IssueOptions{Hosts: hosts, KeyType: pki.ECDSAP256})
		if err != nil {
			return nil, err
		}
		if _, _, err := pki.WriteIssued(dir, "localhost", is); err != nil {
			return nil, err
		}
		cert = padlock.Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
		fmt.Fprintf(s.c.stdout, "padlock serve: issued %s for %s\n", certPath, certNames(is.Cert))
	}
	cfg.Certificates = []padlock.Certificate{cert}
	fmt.Fprintf(s.c.stdout, "padlock serve: to trust this server, trust the CA certificate %s\n", s.caPath)
	fmt.Fprintf(s.c.stdout, "  e.g. curl --cacert %s https://localhost:PORT/  or  padlock connect --ca %s localhost:PORT\n", s.caPath, s.caPath)
	return ca, nil
}

// warnECHNames says when the certificate does not cover an ECH key's
// public name: a client whose ECH is rejected verifies the certificate
// against that name, and would fail instead of retrying.
func (s *server) warnECHNames(cert padlock.Certificate) {
	if cert.Leaf == nil {
		return
	}
	for _, name := range echPublicNames(s.cfgKeys) {
		if cert.Leaf.VerifyHostname(name) != nil {
			fmt.Fprintf(s.c.stdout, "padlock serve: WARNING: the certificate is not valid for the ECH public name %q: a client whose ECH is rejected cannot verify it, nor retry\n", name)
		}
	}
}

// usableLocalCert reports whether a stored certificate can go on being
// used: issued by ca, for the hosts (the local names and the ECH public
// names, which a client whose ECH is rejected checks), and not about to
// expire.
func usableLocalCert(leaf *x509.Certificate, ca *pki.CA, now time.Time, hosts []string) bool {
	if leaf == nil || leaf.CheckSignatureFrom(ca.Cert) != nil || now.Add(7*24*time.Hour).After(leaf.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// clientAuth sets the client certificate policy; its errors are usage
// errors.
func (s *server) clientAuth(cfg *padlock.Config, mode, caFile string, localCA *pki.CA) error {
	var pool *x509.CertPool
	switch {
	case caFile != "":
		data, err := os.ReadFile(caFile)
		if err != nil {
			return fmt.Errorf("--client-ca: %v", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return fmt.Errorf("--client-ca: no PEM certificate in %s", caFile)
		}
	case localCA != nil:
		pool = localCA.Pool()
	}
	switch mode {
	case "none":
		return nil
	case "request":
		cfg.ClientAuth = padlock.RequestClientCert
		if pool != nil {
			cfg.ClientAuth = padlock.VerifyClientCertIfGiven
		}
	case "require":
		if pool == nil {
			return errors.New("--client-auth require needs --client-ca (the local CA is used only without --cert)")
		}
		cfg.ClientAuth = padlock.RequireAndVerifyClientCert
	default:
		return fmt.Errorf("--client-auth: unknown mode %q (want none, request or require)", mode)
	}
	cfg.ClientCAs = pool
	return nil
}

// run listens, serves until a signal (or the cli's context) says stop,
// then shuts down gracefully.
func (s *server) run(addr string, cfg *padlock.Config) int {
	ctx, stop := signal.NotifyContext(s.c.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	inner, err := net.Listen("tcp", addr)
	if err != nil {
		return s.c.failf("serve", "%v", err)
	}
	s.cfg = cfg
	// Each handshake runs before Accept returns, traced for the page.
	ln := padlockhttp.NewListener(inner, cfg, padlockhttp.ListenerOptions{Trace: true, OnHandshake: s.logHandshake, RecordFirst: firstBytesKept})
	srv := &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	padlockhttp.ConfigureServer(srv) // HTTP/1.1 and HTTP/2; handlers see the connection
	fmt.Fprintf(s.c.stdout, "padlock serve: listening on https://%s/ (Ctrl-C stops)\n", inner.Addr())
	if s.c.listening != nil {
		s.c.listening(inner.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return s.c.failf("serve", "%v", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(s.c.stdout, "padlock serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	ln.Wait()
	return exitOK
}

// logHandshake writes the one line for a connection. Much of it is the
// client's (its SNI, its ALPN, its certificate's subject, an error quoting
// what it sent): the line is made trace.Printable as a whole, so that none
// of it can drive the terminal or forge another line.
func (s *server) logHandshake(remote net.Addr, st padlock.ConnectionState, err error) {
	s.fleet.observe(st, err)
	if err != nil {
		line := fmt.Sprintf("%s  handshake failed: %v", remote, err)
		if a := alertSummary(err); a != "" {
			line += " (" + a + ")"
		}
		var ae *padlock.AlertError
		if errors.As(err, &ae) && ae.Remote && s.caPath != "" {
			switch ae.Description {
			case padlock.AlertBadCertificate, padlock.AlertUnknownCA, padlock.AlertCertificateUnknown:
				line += "; the client does not trust the certificate: give it " + s.caPath
			}
		}
		s.log.Print(trace.Printable(line))
		return
	}
	line := fmt.Sprintf("%s  %s  %s", remote, padlock.VersionName(st.Version), padlock.CipherSuiteName(st.CipherSuite))
	if kx := keyExchange(st); kx != "" {
		line += "  " + kx
	}
	if st.DidResume {
		line += "  resumed"
	}
	line += "  sni=" + orNone(st.ServerName) + "  alpn=" + orNone(st.NegotiatedProtocol)
	if st.ECHAccepted {
		line += "  ech"
	}
	if len(st.PeerCertificates) > 0 {
		line += "  client=" + st.PeerCertificates[0].Subject.String()
	}
	s.log.Print(trace.Printable(line))
}

// keyExchange names a connection's key exchange: its group, or RSA key
// transport; "" when there was none, as when a TLS 1.2 session (or a TLS
// 1.3 one without a key share) resumed, whose keys come from the earlier
// session's secret. The lack of a group alone says nothing more.
func keyExchange(st padlock.ConnectionState) string {
	if st.CurveID != 0 {
		return st.CurveID.String()
	}
	if s := suites.SuiteByID(st.CipherSuite); s != nil && s.KX == suites.KXRSA && !st.DidResume {
		return "RSA key transport"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

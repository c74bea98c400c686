package main

import (
	"fmt"
	"path/filepath"

	"padlock/internal/pki"
)

const certAbout = `
Creates a local certificate authority (CA) under --out, or reuses the one
already there, and issues a certificate from it: for a server (the names
in --hosts) or, with --client, for a client to present to a server that
asks for one. Writes ca.pem, ca-key.pem, NAME.pem (the certificate, then
the CA's) and NAME-key.pem. Keep the -key.pem files private.
`

func (c *cli) cert(args []string) int {
	fs := c.newFlags("cert", "padlock cert [flags]", certAbout)
	out := fs.String("out", ".", "the directory for the CA and the certificate")
	name := fs.String("name", "server", "the certificate's file name: NAME.pem and NAME-key.pem (client with --client)")
	hosts := fs.String("hosts", "localhost,127.0.0.1,::1", "the DNS names and IP addresses the certificate is for (a comma-separated `LIST`)")
	client := fs.Bool("client", false, "a client certificate (for client authentication) instead of a server one")
	keyType := fs.String("key-type", "ecdsa-p256", "the kind of key: ecdsa-p256, ecdsa-p384, ed25519, rsa-2048 or rsa-3072")
	fs.argNames(map[string]string{"out": "DIR", "name": "NAME", "key-type": "TYPE"})
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	kt, err := pki.ParseKeyType(*keyType)
	if err != nil {
		return fs.usageError("--key-type: %v", err)
	}
	opts := pki.IssueOptions{KeyType: kt, Client: *client}
	if !*client || fs.isSet("hosts") {
		if opts.Hosts = parseList(*hosts); len(opts.Hosts) == 0 {
			return fs.usageError("--hosts: no names")
		}
	}
	if *client && !fs.isSet("name") {
		*name = "client"
	}
	if *client {
		opts.CommonName = *name
	}
	ca, created, err := pki.LoadOrCreateCA(*out, kt)
	if err != nil {
		return c.failf("cert", "%v", err)
	}
	is, err := ca.Issue(opts)
	if err != nil {
		return c.failf("cert", "%v", err)
	}
	certPath, keyPath, err := pki.WriteIssued(*out, *name, is)
	if err != nil {
		return c.failf("cert", "%v", err)
	}
	caState := "reused"
	if created {
		caState = "created"
	}
	kind := "server"
	if *client {
		kind = "client"
	}
	t := &table{w: c.stdout, title: fmt.Sprintf("padlock cert: a %s certificate for %s, issued by %s", kind, describeSubject(is), ca.Cert.Subject)}
	t.add("CA certificate", "%s (%s): the certificate to trust (connect --ca, serve --client-ca)", filepath.Join(*out, pki.CACertFile), caState)
	t.add("CA private key", "%s: keep it private, it can issue certificates", filepath.Join(*out, pki.CAKeyFile))
	t.add("certificate", "%s: valid until %s", certPath, is.Cert.NotAfter.UTC().Format("2006-01-02"))
	t.add("private key", "%s", keyPath)
	t.flush()
	return exitOK
}

// describeSubject names what a certificate is for.
func describeSubject(is *pki.Issued) string {
	if len(is.Cert.DNSNames)+len(is.Cert.IPAddresses) > 0 {
		return certNames(is.Cert)
	}
	return fmt.Sprintf("%q", is.Cert.Subject.CommonName)
}

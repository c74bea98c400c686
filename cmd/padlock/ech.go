package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"padlock"
)

const echAbout = `
Makes a key for Encrypted Client Hello (ECH, draft-ietf-tls-esni): an
X25519 HPKE key pair and the ECHConfig that publishes its public half
under --public-name, the name the network sees in place of the real one.
Writes DIR/NAME.ech.pem, for padlock serve --ech-key (and OpenSSL's ECH
work, nginx, haproxy: a PKCS#8 PRIVATE KEY block and an ECHCONFIG block,
draft-farrell-tls-pemesni), and DIR/NAME.ech.b64, the ECHConfigList alone
in base64: the "ech" value of a DNS HTTPS record, and what padlock connect
--ech-config takes. Keep the .pem file private. The server's certificate
must also be valid for the public name: a client whose ECH is rejected
checks it against that name.
`

func (c *cli) ech(args []string) int {
	if len(args) > 0 && args[0] == "keygen" {
		return c.echKeygen(args[1:])
	}
	fs, _, _ := defineECHKeygenFlags(c)
	if _, err := fs.parse(args); err != nil {
		return fs.fail(err) // -help
	}
	if len(args) == 0 {
		return fs.usageError("want a subcommand: keygen")
	}
	return fs.usageError("unknown subcommand %q (want keygen)", args[0])
}

func defineECHKeygenFlags(c *cli) (fs *flagSet, publicName, out *string) {
	fs = c.newFlags("ech", "padlock ech keygen --public-name NAME [--out DIR]", echAbout)
	publicName = fs.String("public-name", "", "the public name clients put in the outer ClientHello's SNI (a DNS name the server's certificate covers)")
	out = fs.String("out", ".", "the directory to write NAME.ech.pem and NAME.ech.b64 to")
	fs.argNames(map[string]string{"public-name": "NAME", "out": "DIR"})
	return fs, publicName, out
}

// echKeygen is padlock ech keygen.
func (c *cli) echKeygen(args []string) int {
	fs, publicName, out := defineECHKeygenFlags(c)
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	if *publicName == "" {
		return fs.usageError("--public-name is required")
	}
	key, err := padlock.NewECHKey(*publicName)
	if err != nil {
		return fs.usageError("--public-name: %v", err)
	}
	pemData, err := padlock.MarshalECHKeyPEM(*key)
	if err != nil {
		return c.failf("ech keygen", "%v", err)
	}
	b64 := base64.StdEncoding.EncodeToString(padlock.ECHConfigList(*key))
	pemPath := filepath.Join(*out, *publicName+".ech.pem")
	b64Path := filepath.Join(*out, *publicName+".ech.b64")
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return c.failf("ech keygen", "%v", err)
	}
	if err := os.WriteFile(pemPath, pemData, 0o600); err != nil {
		return c.failf("ech keygen", "%v", err)
	}
	if err := os.WriteFile(b64Path, []byte(b64+"\n"), 0o644); err != nil {
		return c.failf("ech keygen", "%v", err)
	}
	desc, _ := padlock.ParseECHConfigList(padlock.ECHConfigList(*key))
	t := &table{w: c.stdout, title: "padlock ech keygen: an ECH key for public name " + *publicName}
	t.add("key file", "%s: the private key and the config (serve --ech-key); keep it private", pemPath)
	t.add("config list", "%s: base64, for a DNS HTTPS record (ech=) or connect --ech-config", b64Path)
	t.add("config", "%s", strings.Join(desc, "\n"))
	t.flush()
	fmt.Fprintf(c.stdout, "\n%s\n", b64)
	return exitOK
}

// loadECHConfigList reads what connect --ech-config takes: a PEM file
// with an ECHCONFIG block, a file holding the ECHConfigList in base64,
// or the base64 itself.
func loadECHConfigList(arg string) ([]byte, error) {
	text := arg
	if data, err := os.ReadFile(arg); err == nil {
		list, err := padlock.ECHConfigListFromPEM(data)
		if err != nil || list != nil {
			return list, err
		}
		text = string(data)
	} else if !looksBase64(arg) {
		return nil, err
	}
	list, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
	if err != nil {
		return nil, fmt.Errorf("not a file, nor an ECHConfigList in base64: %v", err)
	}
	if _, err := padlock.ParseECHConfigList(list); err != nil {
		return nil, fmt.Errorf("not an ECHConfigList: %v", err)
	}
	return list, nil
}

// looksBase64 reports whether s could be base64 rather than a path.
func looksBase64(s string) bool {
	return len(s) >= 8 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
}

// loadECHKeys reads serve --ech-key's files: the first key's config goes
// out as the retry config.
func loadECHKeys(files []string) ([]padlock.EncryptedClientHelloKey, error) {
	var keys []padlock.EncryptedClientHelloKey
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		k, err := padlock.ParseECHKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		k.SendAsRetry = i == 0
		keys = append(keys, k)
	}
	return keys, nil
}

// echPublicNames lists the public names of a server's ECH keys.
func echPublicNames(keys []padlock.EncryptedClientHelloKey) []string {
	var names []string
	for _, k := range keys {
		n, _ := padlock.ECHPublicNames(padlock.ECHConfigList(k))
		names = append(names, n...)
	}
	return names
}

package scan

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"

	"padlock"
)

// ECH is what a server said of Encrypted Client Hello when it rejected
// a config it does not hold: the configs it offers for a retry
// (draft-ietf-tls-esni section 6.1.6).
type ECH struct {
	// RetryConfigs is the ECHConfigList the server sent, in base64: what
	// `padlock connect --ech-config` takes.
	RetryConfigs string `json:"retry_configs"`
	// Configs describes each config padlock can use, one line each.
	Configs []string `json:"configs"`
}

// probeECH offers ECH with a config made for the probe, whose key no
// server holds: a server with ECH keys must reject it and send its own
// configs for a retry; one without ECH completes the handshake for the
// public name and sends none.
func (t *targetScan) probeECH(ctx context.Context) {
	key, err := padlock.NewECHKey(echPublicName(t.host))
	if err != nil { // a host name that is no DNS name (RFC 1123)
		key, err = padlock.NewECHKey(echPublicName("::"))
	}
	if err != nil {
		t.untested("ech")
		return
	}
	cfg := &padlock.Config{MinVersion: versionTLS13, MaxVersion: versionTLS13, SessionTicketsDisabled: true,
		EncryptedClientHelloConfigList: padlock.ECHConfigList(*key)}
	c, _, err := t.handshake(ctx, "ECH retry configs", cfg)
	if c != nil {
		c.Close()
	}
	var rej *padlock.ECHRejectionError
	if !errors.As(err, &rej) {
		t.untested("ech") // the handshake failed otherwise; no answer about ECH
		return
	}
	if rej.RetryConfigList == nil {
		return
	}
	e := &ECH{RetryConfigs: base64.StdEncoding.EncodeToString(rej.RetryConfigList)}
	e.Configs, err = padlock.ParseECHConfigList(rej.RetryConfigList)
	if err != nil {
		t.addError("ECH retry configs: " + err.Error())
	}
	t.mu.Lock()
	t.r.Features.ECH = e
	t.mu.Unlock()
}

// echPublicName is the public name of the probe's config: the target's
// host name, or a random name under .invalid (RFC 6761 section 6.4) for
// an IP address, which cannot be one.
func echPublicName(host string) string {
	if net.ParseIP(host) == nil {
		return host
	}
	b := make([]byte, 6)
	rand.Read(b)
	return "ech-" + hex.EncodeToString(b) + ".invalid"
}

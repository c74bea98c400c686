package main

import (
	"encoding/base64"
	"errors"
	"fmt"

	"padlock"
)

// connectECH is what connect --json says of Encrypted Client Hello on a
// connection that offered it.
type connectECH struct {
	Offered bool `json:"offered"`
	// Accepted: the server decrypted the ClientHelloInner.
	Accepted bool `json:"accepted"`
	// PublicName is the name in the outer ClientHello, the one the
	// network saw.
	PublicName string `json:"public_name"`
	// RetryConfigs is, when the server rejected ECH, the ECHConfigList it
	// sent for a retry, in base64; "" when it sent none.
	RetryConfigs string `json:"retry_configs,omitempty"`
	// GREASE: no config, so a GREASE ECH extension went instead.
	GREASE bool `json:"grease"`
}

// echReport describes the connection's ECH for --json, or returns nil
// when no encrypted_client_hello, real or GREASE, went out.
func (r *connectRun) echReport(cfg *padlock.Config, st padlock.ConnectionState, err error) *connectECH {
	if len(cfg.EncryptedClientHelloConfigList) == 0 {
		// GREASE goes in every hello that offers TLS 1.3, whatever the
		// server then picks.
		if cfg.DisableECHGREASE || cfg.MaxVersion == padlock.VersionTLS12 {
			return nil
		}
		return &connectECH{GREASE: true}
	}
	e := &connectECH{Offered: true, Accepted: st.ECHAccepted, PublicName: publicName(cfg.EncryptedClientHelloConfigList)}
	var rej *padlock.ECHRejectionError
	if errors.As(err, &rej) && rej.RetryConfigList != nil {
		e.RetryConfigs = base64.StdEncoding.EncodeToString(rej.RetryConfigList)
	}
	return e
}

// publicName is the public name of a list's first usable config.
func publicName(list []byte) string {
	names, _ := padlock.ECHPublicNames(list)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// echWords says in the negotiated table what ECH did.
func (r *connectRun) echWords(st padlock.ConnectionState) string {
	list := r.cfg.EncryptedClientHelloConfigList
	switch {
	case st.ECHAccepted:
		return fmt.Sprintf("accepted: the network saw only %q; %q went encrypted", publicName(list), r.cfg.ServerName)
	case len(list) > 0:
		return "not used" // a rejection ends the handshake with an error instead
	case r.cfg.MaxVersion == padlock.VersionTLS12:
		return "none: TLS 1.2 has no ECH"
	case r.cfg.DisableECHGREASE:
		return "none (--no-ech-grease): the server name went in the clear"
	default:
		return "none: no --ech-config, so a GREASE ECH extension went instead (a decoy, so that ECH users do not stand out); the server name went in the clear"
	}
}

// echRejected handles a server's rejection of ECH: it says so plainly,
// prints the retry configs and, with --ech-retry, connects once more with
// them. It reports whether connection n finally succeeded.
func (r *connectRun) echRejected(n int, cfg *padlock.Config, rej *padlock.ECHRejectionError) bool {
	w := r.c.stderr
	fmt.Fprintf(w, "padlock connect: %s: the server rejected Encrypted Client Hello.\n", r.o.addr)
	fmt.Fprintf(w, "  It could not decrypt the hidden ClientHello, so the handshake ran with the public name %q only\n", publicName(cfg.EncryptedClientHelloConfigList))
	fmt.Fprintf(w, "  (the server proved it holds that name), and no data was sent: %q was never revealed.\n", cfg.ServerName)
	if rej.RetryConfigList == nil {
		fmt.Fprintln(w, "  It sent no retry configs: ECH seems off on this server. Without --ech-config the name would go in the clear.")
		return false
	}
	b64 := base64.StdEncoding.EncodeToString(rej.RetryConfigList)
	desc, _ := padlock.ParseECHConfigList(rej.RetryConfigList)
	fmt.Fprintf(w, "  It sent new configs to retry with (--ech-config):\n    %s\n", b64)
	for _, d := range desc {
		fmt.Fprintf(w, "    %s\n", d)
	}
	if !r.o.echRetry || r.echRetried {
		if r.echRetried {
			fmt.Fprintln(w, "  They were already a retry's: not retrying again.")
		}
		return false
	}
	fmt.Fprintln(w, "  Retrying once with them (--ech-retry).")
	if !r.o.json {
		fmt.Fprintf(r.c.stdout, "%s\nRetry with the ECH configs the server sent\n%s\n", rule, rule)
	}
	r.echRetried = true
	r.cfg.EncryptedClientHelloConfigList = rej.RetryConfigList
	return r.once(n)
}

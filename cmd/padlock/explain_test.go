package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

func TestExplainRemoteAlerts(t *testing.T) {
	x := failureContext{addr: "example.test:443", serverName: "example.test",
		minVersion: padlock.VersionTLS13, maxVersion: padlock.VersionTLS13}
	for _, tc := range []struct {
		alert padlock.Alert
		want  []string
	}{
		{padlock.AlertCertificateRequired, []string{"client certificate", "--cert", "--key"}},
		{padlock.AlertHandshakeFailure, []string{"no shared cipher suite", "--suites"}},
		{padlock.AlertProtocolVersion, []string{"TLS 1.3", "--min-version"}},
		{padlock.AlertNoApplicationProtocol, []string{"--alpn"}},
		{padlock.AlertUnrecognizedName, []string{"example.test", "--servername"}},
		{padlock.AlertInternalError, []string{"internal_error"}},
	} {
		err := fmt.Errorf("handshake: %w", &padlock.AlertError{Description: tc.alert, Remote: true})
		got := explainFailure(err, padlock.ConnectionState{}, x)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", tc.alert, got, w)
			}
		}
	}
}

func TestExplainLocalAlerts(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ca, err := pki.NewCA("old CA", pki.ECDSAP256, now.Add(-48*time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"a.test", "10.0.0.1"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	st := padlock.ConnectionState{PeerCertificates: []*x509.Certificate{is.Cert}}
	x := failureContext{serverName: "b.test", now: now}
	for _, tc := range []struct {
		alert padlock.Alert
		now   time.Time
		want  []string
	}{
		{padlock.AlertUnknownCA, now, []string{`"CN=old CA,O=padlock"`, "--ca", "--insecure"}},
		{padlock.AlertBadCertificate, now, []string{"a.test, 10.0.0.1", `"b.test"`, "--servername"}},
		{padlock.AlertCertificateExpired, now, []string{"expired", "2026", "24h0m0s ago"}},
		{padlock.AlertCertificateExpired, now.Add(-72 * time.Hour), []string{"not valid until", "clock"}},
	} {
		x.now = tc.now
		got := explainFailure(&padlock.AlertError{Description: tc.alert, Err: errors.New("cause")}, st, x)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", tc.alert, got, w)
			}
		}
	}
}

func TestExplainNetErrors(t *testing.T) {
	x := failureContext{addr: "h:1"}
	if got := explainFailure(io.ErrUnexpectedEOF, padlock.ConnectionState{}, x); !strings.Contains(got, "not speak TLS") {
		t.Errorf("EOF: %q", got)
	}
	if got := explainFailure(errors.New("odd"), padlock.ConnectionState{}, x); got != "" {
		t.Errorf("unknown error explained as %q", got)
	}
}

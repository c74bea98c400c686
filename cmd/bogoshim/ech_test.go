package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"padlock"
)

// TestECHFlags: the server's key flags come in order, one of each per
// key; GREASE stays off unless asked for, as in BoringSSL's client.
func TestECHFlags(t *testing.T) {
	cc, err := parseFlags([]string{"-ech-server-config", "AQ==", "-ech-server-key", "Ag==", "-ech-is-retry-config", "1",
		"-ech-server-config", "Aw==", "-ech-server-key", "BA==", "-ech-is-retry-config", "0",
		"-on-retry-expect-ech-retry-configs", "BQ=="})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &padlock.Config{}
	if err := setECH(cfg, &cc.initial); err != nil {
		t.Fatal(err)
	}
	want := []padlock.EncryptedClientHelloKey{{Config: []byte{1}, PrivateKey: []byte{2}, SendAsRetry: true},
		{Config: []byte{3}, PrivateKey: []byte{4}}}
	if fmt.Sprint(cfg.EncryptedClientHelloKeys) != fmt.Sprint(want) || !cfg.DisableECHGREASE {
		t.Errorf("keys %v, DisableECHGREASE %t", cfg.EncryptedClientHelloKeys, cfg.DisableECHGREASE)
	}
	if cc.initial.expectECHRetry != nil || !bytes.Equal(cc.retry.expectECHRetry, []byte{5}) {
		t.Errorf("-on-retry-expect-ech-retry-configs went to %x and %x", cc.initial.expectECHRetry, cc.retry.expectECHRetry)
	}
	cc.initial.echIsRetry = cc.initial.echIsRetry[:1]
	if err := setECH(&padlock.Config{}, &cc.initial); err == nil {
		t.Error("two configs with one -ech-is-retry-config accepted")
	}
}

// TestCheckECHRejection: the expected rejection is the shim's failure,
// as the test wants; a success or another error is the shim's own.
func TestCheckECHRejection(t *testing.T) {
	rej := fmt.Errorf("handshake: %w", &padlock.ECHRejectionError{RetryConfigList: []byte{5}})
	none := &padlock.ECHRejectionError{}
	other := errors.New("bad_certificate")
	want := &testConfig{expectECHRetry: []byte{5}}
	wantNone := &testConfig{expectNoECHRetry: true}
	for _, c := range []struct {
		tc, retry *testConfig
		in        error
		same      bool
	}{
		{want, want, rej, true},
		{&testConfig{}, want, rej, true},
		{wantNone, wantNone, none, true},
		{&testConfig{}, &testConfig{}, other, true},
		{&testConfig{}, &testConfig{}, nil, true},
		{want, want, none, false},
		{wantNone, wantNone, rej, false},
		{want, want, nil, false},
		{want, want, other, false},
	} {
		got := checkECHRejection(c.tc, c.retry, c.in)
		if (got == c.in) != c.same {
			t.Errorf("checkECHRejection(%+v, %v) = %v", c.tc, c.in, got)
		}
	}
}

// TestECHNameCheck: the name a certificate is verified against is the
// public name exactly when the client offered ECH, the server did not
// take it, and the name sent is not the one configured.
func TestECHNameCheck(t *testing.T) {
	list := []byte{1}
	rejected := padlock.ConnectionState{ServerName: "public.example"}
	accepted := padlock.ConnectionState{ServerName: "secret.example", ECHAccepted: true}
	for _, c := range []struct {
		tc testConfig
		st padlock.ConnectionState
		ok bool
	}{
		{testConfig{echConfigList: list, expectECHNameOverride: "public.example"}, rejected, true},
		{testConfig{echConfigList: list, expectECHNameOverride: "other.example"}, rejected, false},
		{testConfig{echConfigList: list, expectNoECHNameOverride: true}, rejected, false},
		{testConfig{echConfigList: list, expectNoECHNameOverride: true}, accepted, true},
		{testConfig{echConfigList: list, expectECHNameOverride: "public.example"}, accepted, false},
		{testConfig{expectNoECHNameOverride: true}, rejected, true}, // no ECH offered: the name is the one sent
	} {
		cfg := &padlock.Config{ServerName: "secret.example"}
		if c.st.ServerName == "public.example" && c.tc.echConfigList == nil {
			cfg.ServerName = "public.example"
		}
		setECHNameCheck(cfg, &c.tc, &c.tc, &connEvents{})
		if err := cfg.VerifyConnection(c.st); (err == nil) != c.ok {
			t.Errorf("%+v with %+v: %v", c.tc, c.st, err)
		}
	}
}

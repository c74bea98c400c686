package main

import (
	"bytes"
	"errors"
	"fmt"

	"padlock"
)

// Encrypted Client Hello under the runner. BoringSSL's shim takes a
// client's ECHConfigList (-ech-config-list) and a server's keys as three
// repeated flags, one entry each per key, in order (-ech-server-config,
// -ech-server-key, -ech-is-retry-config). A client whose ECH the server
// rejects fails with ECH_REJECTED, and -expect-ech-retry-configs or
// -expect-no-ech-retry-configs check the retry configs of that failure;
// padlock's client fails with an *ECHRejectionError carrying them.

// setECH applies the ECH flags to a Config. BoringSSL's client sends
// GREASE ECH only when told to (-enable-ech-grease); padlock's does by
// default, so the shim turns it off otherwise.
func setECH(cfg *padlock.Config, tc *testConfig) error {
	cfg.DisableECHGREASE = !tc.enableECHGrease
	cfg.EncryptedClientHelloConfigList = tc.echConfigList
	n := len(tc.echServerConfigs)
	if len(tc.echServerKeys) != n || len(tc.echIsRetry) != n {
		return errors.New("-ech-server-config, -ech-server-key and -ech-is-retry-config must come in threes")
	}
	for i := range n {
		cfg.EncryptedClientHelloKeys = append(cfg.EncryptedClientHelloKeys, padlock.EncryptedClientHelloKey{
			Config:      tc.echServerConfigs[i],
			PrivateKey:  tc.echServerKeys[i],
			SendAsRetry: tc.echIsRetry[i] != 0,
		})
	}
	return nil
}

// expectsECHRejection reports whether the test expects the client's ECH
// to be rejected, ending the connection.
func expectsECHRejection(tc *testConfig) bool {
	return tc.expectNoECHRetry || tc.expectECHRetry != nil
}

// checkECHRejection checks the error a connection ended with against
// -expect-ech-retry-configs and -expect-no-ech-retry-configs. A
// connection that sent early data is judged by the flags of the retry
// after the server rejected it (-on-retry-), as BoringSSL's is. It
// returns err itself when the rejection is the one expected, so that the
// shim fails as the test wants.
func checkECHRejection(tc, retry *testConfig, err error) error {
	if !expectsECHRejection(tc) {
		tc = retry
	}
	if !expectsECHRejection(tc) {
		return err
	}
	var rej *padlock.ECHRejectionError
	if !errors.As(err, &rej) {
		if err == nil {
			return errors.New("the connection succeeded, but the test expects ECH to be rejected")
		}
		return fmt.Errorf("the test expects ECH to be rejected: %w", err)
	}
	if !bytes.Equal(rej.RetryConfigList, tc.expectECHRetry) || (rej.RetryConfigList == nil) != tc.expectNoECHRetry {
		return fmt.Errorf("ECH retry configs %x, want %x (%w)", rej.RetryConfigList, tc.expectECHRetry, err)
	}
	return err
}

// checkECHAccepted checks ConnectionState.ECHAccepted against
// -expect-ech-accept, which, absent, expects no ECH.
func checkECHAccepted(tc *testConfig, st padlock.ConnectionState) error {
	if st.ECHAccepted != tc.expectECHAccept {
		return fmt.Errorf("ECH accepted: %t, want %t", st.ECHAccepted, tc.expectECHAccept)
	}
	return nil
}

// setECHNameCheck checks -expect-ech-name-override and
// -expect-no-ech-name-override, which BoringSSL's shim checks in its
// verify callback: the name the server's certificate is verified
// against, when a rejected ECH makes it the config's public name. In
// padlock's Config.VerifyConnection that name is ConnectionState's
// ServerName, the name the client sent: the public name when the server
// answered the outer hello. The check runs once the server's answer is
// known, so after a rejection of early data it applies the retry's flags
// (-on-retry-), as BoringSSL's verification of the retried handshake
// does; padlock makes no check at the 0-RTT point itself.
func setECHNameCheck(cfg *padlock.Config, tc, retry *testConfig, ev *connEvents) {
	if !tc.expectsECHName() && !retry.expectsECHName() {
		return
	}
	next, configured := cfg.VerifyConnection, cfg.ServerName
	cfg.VerifyConnection = func(st padlock.ConnectionState) error {
		want := tc
		if ev.earlySent && !st.EarlyDataAccepted {
			want = retry
		}
		override := ""
		if want.echConfigList != nil && !st.ECHAccepted && st.ServerName != configured {
			override = st.ServerName
		}
		if want.expectNoECHNameOverride && override != "" {
			return fmt.Errorf("the certificate is verified for %q, the ECH public name, and the test expects no override", override)
		}
		if want.expectECHNameOverride != "" && override != want.expectECHNameOverride {
			return fmt.Errorf("the certificate is verified for %q, want the ECH public name %q", st.ServerName, want.expectECHNameOverride)
		}
		if next != nil {
			return next(st)
		}
		return nil
	}
}

// expectsECHName reports whether the flags check the name a certificate
// is verified against.
func (tc *testConfig) expectsECHName() bool {
	return tc.expectNoECHNameOverride || tc.expectECHNameOverride != ""
}

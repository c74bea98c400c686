package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"padlock"
	"padlock/trace"
)

// 0-RTT data under the runner. BoringSSL's client returns from its
// handshake as soon as its ClientHello is out, writes the test's first
// bytes ("hello") as early data, and, when the server rejects them, fails
// the connection with SSL_ERROR_EARLY_DATA_REJECTED for the application
// to retry at 1-RTT under the -on-retry- flags. padlock's client takes
// early data before Handshake (Conn.WriteEarly) and finishes the
// handshake either way, reporting ConnectionState.EarlyDataAccepted; the
// shim maps one onto the other: a rejection checks the resumption's
// -expect-reject-early-data, then the rest of the connection runs under
// the retry flags. BoringSSL's server returns from its handshake after
// its Finished when it accepts early data, as padlock's does, and echoes
// the early data as half-RTT data.

// maxEarlyData is what the shim's server accepts: BoringSSL's limit
// (kMaxEarlyDataAccepted), which the runner's tests probe.
const maxEarlyData = 14336

// shimInitialWrite is what the shim writes first when told to.
const shimInitialWrite = "hello"

// connEvents is what the trace of one connection told the shim about
// steps padlock's ConnectionState does not report, and what a client
// knew of the session it offered.
type connEvents struct {
	hrr          bool   // a HelloRetryRequest was sent or received
	offeredPSK   bool   // the first ClientHello offered a session
	offeredEarly bool   // the first ClientHello offered early data
	earlySent    bool   // the client sent 0-RTT data
	earlyRefusal string // padlock's reason for rejecting the early data

	session     *padlock.ClientSessionState // the session a client offered
	sessionALPN string                      // the ALPN protocol it was made with
	protos      []string                    // the client's ALPN protocols
}

// record is the connection's Tracer.
func (ev *connEvents) record(e trace.Event) {
	switch {
	case e.Name == "HelloRetryRequest":
		ev.hrr = true
	case e.Name == "ClientHello" && !ev.hrr:
		ev.offeredPSK = e.Field("pre_shared_key") != ""
		ev.offeredEarly = slices.Contains(strings.Split(e.Field("extensions"), ", "), "early_data")
	case e.Name == "early data sent":
		ev.earlySent = true
	case e.Name == "early data rejected":
		ev.earlyRefusal = e.Field("reason")
	}
}

// setEarlyData applies -enable-early-data: a server accepts 0-RTT data,
// a client sends the early data queued with Conn.WriteEarly.
func setEarlyData(cfg *padlock.Config, tc *testConfig) {
	if !tc.enableEarlyData {
		return
	}
	if tc.server {
		cfg.MaxEarlyData = maxEarlyData
	} else {
		cfg.SendEarlyData = true
	}
}

// earlyWrite returns how much of the initial write the client of this
// connection sends as early data: on a resumption with 0-RTT enabled, as
// much as the session allows, the rest after the handshake (as
// BoringSSL's client does).
func earlyWrite(tc *testConfig, resumed bool, session *padlock.ClientSessionState) int {
	if tc.server || !resumed || !tc.enableEarlyData || !tc.shimWritesFirst || session == nil {
		return 0
	}
	return min(len(shimInitialWrite), int(session.MaxEarlyData()))
}

// setRetryVerify applies -on-retry-verify-fail: after a rejection of its
// early data BoringSSL's client verifies the server again under the retry
// flags. padlock's handshake goes on through the rejection, so the
// refusal is Config.VerifyConnection's, which runs once the
// EncryptedExtensions has told whether the early data was accepted.
func setRetryVerify(cfg *padlock.Config, retry *testConfig, ev *connEvents) error {
	if !retry.verifyFail {
		return nil
	}
	if !retry.customVerify {
		return unimplementedf("-verify-fail with BoringSSL's legacy verify callback")
	}
	cfg.VerifyConnection = func(st padlock.ConnectionState) error {
		if ev.earlySent && !st.EarlyDataAccepted {
			return errors.New("the test's verify callback refuses every certificate after a 0-RTT rejection")
		}
		return nil
	}
	return nil
}

// errEarlyDataRejected is BoringSSL's SSL_ERROR_EARLY_DATA_REJECTED.
var errEarlyDataRejected = errors.New("the server rejected the early data and the test did not expect it")

// settleEarlyData is the client's answer to what became of the first
// sent bytes of its initial write, sent as early data: the configuration
// the rest of the connection runs under (retry after a rejection), and
// what remains to be written first.
func settleEarlyData(tc, retry *testConfig, st padlock.ConnectionState, ev *connEvents, resumed bool, sent int) (*testConfig, string, error) {
	first := ""
	if tc.shimWritesFirst {
		first = shimInitialWrite
	}
	if tc.server || !resumed {
		return tc, first, nil
	}
	if tc.expectNoOfferEarly && ev.earlySent {
		return nil, "", errors.New("the client offered early data")
	}
	switch {
	case !ev.earlySent:
		if tc.expectRejectEarly {
			return nil, "", errors.New("the 0-RTT exchange succeeded: the client sent no early data")
		}
		return tc, first, nil
	case st.EarlyDataAccepted:
		return tc, first[sent:], nil
	case !tc.expectRejectEarly:
		return nil, "", errEarlyDataRejected
	}
	if retry.shimWritesFirst {
		return retry, shimInitialWrite, nil
	}
	return retry, "", nil
}

// checkEarlyData checks -expect-accept-early-data,
// -expect-reject-early-data and -expect-early-data-reason.
func checkEarlyData(tc *testConfig, st padlock.ConnectionState, ev *connEvents) error {
	if tc.expectAcceptEarly && !st.EarlyDataAccepted {
		return errors.New("early data was not accepted, but the test expected it")
	}
	if tc.expectRejectEarly && st.EarlyDataAccepted {
		return errors.New("early data was accepted, but the test expected it rejected")
	}
	if tc.expectEarlyReason == "" {
		return nil
	}
	if got := earlyDataReason(tc, st, ev); got != tc.expectEarlyReason {
		return fmt.Errorf("early data reason %q, want %q (padlock: %q)", got, tc.expectEarlyReason, ev.earlyRefusal)
	}
	return nil
}

// earlyDataReason names what became of 0-RTT in the words of BoringSSL's
// SSL_early_data_reason_string.
func earlyDataReason(tc *testConfig, st padlock.ConnectionState, ev *connEvents) string {
	switch {
	case st.EarlyDataAccepted:
		return "accept"
	case !tc.enableEarlyData:
		return "disabled"
	case st.Version < padlock.VersionTLS13:
		return "protocol_version"
	case !ev.offeredPSK:
		return "no_session_offered"
	case tc.server && !ev.offeredEarly:
		return "peer_declined" // the client offered a session, but no early data
	case tc.server && !st.DidResume:
		return "session_not_resumed"
	case tc.server && ev.hrr:
		return "hello_retry_request" // padlock's server then traces no refusal
	case tc.server:
		return serverRefusal(ev.earlyRefusal)
	case ev.session == nil || ev.session.MaxEarlyData() == 0:
		return "unsupported_for_session"
	case !ev.earlySent && ev.sessionALPN != "" && !slices.Contains(ev.protos, ev.sessionALPN):
		return "alpn_mismatch" // padlock's client sends no early data then
	case ev.hrr:
		return "hello_retry_request"
	case !st.DidResume:
		return "session_not_resumed"
	}
	return "peer_declined"
}

// serverRefusals map the reasons padlock's server traces for rejecting
// early data onto BoringSSL's. BoringSSL has no reason for a replay,
// which padlock's single-use tickets refuse: that falls to peer_declined.
var serverRefusals = []struct{ padlock, boringssl string }{
	{"MaxEarlyData is 0", "disabled"},
	{"another ClientHello", "hello_retry_request"},
	{"did not resume", "session_not_resumed"},
	{"other than the first", "session_not_resumed"},
	{"issued without early data", "unsupported_for_session"},
	{"cipher suite differs", "unsupported_for_session"},
	{"ALPN protocol differs", "alpn_mismatch"},
	{"ticket age", "ticket_age_skew"},
}

func serverRefusal(why string) string {
	for _, r := range serverRefusals {
		if strings.Contains(why, r.padlock) {
			return r.boringssl
		}
	}
	return "peer_declined"
}

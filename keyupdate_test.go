package padlock

import (
	"bytes"
	"crypto/tls"
	"io"
	"testing"
	"time"

	"padlock/internal/keysched"
	"padlock/internal/pki"
)

// TestKeyUpdateWithCryptoTLS updates keys in both directions with
// crypto/tls as the peer, asked for and automatic, while data flows.
func TestKeyUpdateWithCryptoTLS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	a, b := tcpPair(t)
	server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
	client := Client(a, &Config{RootCAs: ca.Pool(), ServerName: "localhost"})
	go func() {
		io.Copy(server, server) // echo
		server.Close()
	}()
	msg := bytes.Repeat([]byte("k"), 40000)
	roundTrip := func() {
		t.Helper()
		if _, err := client.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(client, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatal("echo mismatch")
		}
	}
	roundTrip()
	for i := 0; i < 3; i++ {
		if err := client.UpdateKeys(true); err != nil {
			t.Fatal(err)
		}
		roundTrip()
	}
	// Lower the limit so the next write updates by itself.
	client.out.Lock()
	client.keyUpdateAfter = client.out.cipher.Seq() + 2
	client.out.Unlock()
	before := bytes.Clone(client.tls13.outSecret) // the old secret is zeroed when replaced
	for i := 0; i < 3; i++ {
		roundTrip()
	}
	if bytes.Equal(before, client.tls13.outSecret) {
		t.Fatal("no automatic KeyUpdate at the usage limit")
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestKeyUpdateFlood checks a peer that sends KeyUpdates and no data is
// cut off.
func TestKeyUpdateFlood(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	client, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"}, &Config{Certificates: []Certificate{cert}})
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	go func() {
		for i := 0; i < DefaultLimits.MaxKeyUpdates+5; i++ {
			if server.UpdateKeys(false) != nil {
				return
			}
		}
	}()
	_, err := client.Read(make([]byte, 1))
	wantAlertLocal(t, err, AlertUnexpectedMessage)
}

// TestKeyUpdateRequestsAnsweredOnce checks that KeyUpdates asking for an
// update are answered before the next application data, with one
// KeyUpdate however many came while this side was silent (RFC 8446
// section 4.6.3).
func TestKeyUpdateRequestsAnsweredOnce(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	client, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"}, &Config{Certificates: []Certificate{cert}})
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	for range 5 {
		if err := server.UpdateKeys(true); err != nil {
			t.Fatal(err)
		}
	}
	server.Write([]byte("x"))
	if _, err := io.ReadFull(client, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	client.out.Lock()
	before := bytes.Clone(client.tls13.outSecret)
	client.out.Unlock()
	if _, err := client.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(server, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	client.out.Lock()
	defer client.out.Unlock()
	if want := keysched.NextTrafficSecret(client.suite.Hash, before); !bytes.Equal(client.tls13.outSecret, want) {
		t.Errorf("the client's write keys did not move one generation on its write: %d requests made %s",
			5, map[bool]string{true: "no update", false: "more than one"}[bytes.Equal(client.tls13.outSecret, before)])
	}
	if !bytes.Equal(server.tls13.inSecret, client.tls13.outSecret) {
		t.Error("the server did not follow the client's KeyUpdate")
	}
}

func wantAlertLocal(t *testing.T, err error, d Alert) {
	t.Helper()
	ae, ok := err.(*AlertError)
	if !ok || ae.Remote || ae.Description != d {
		t.Fatalf("got %v, want local alert %v", err, d)
	}
}

// TestGiBAcrossKeyUpdates moves 1 GiB from padlock to crypto/tls and back
// while padlock's write keys are updated every 64 MiB.
func TestGiBAcrossKeyUpdates(t *testing.T) {
	if testing.Short() {
		t.Skip("1 GiB transfer skipped in -short mode")
	}
	ca, is := pki.TestChain(pki.ECDSAP256)
	a, b := tcpPair(t)
	a.SetDeadline(time.Now().Add(2 * time.Minute))
	b.SetDeadline(time.Now().Add(2 * time.Minute))
	server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
	client := Client(a, &Config{RootCAs: ca.Pool(), ServerName: "localhost"})
	go func() {
		// Echo everything back; crypto/tls answers no KeyUpdate here,
		// since padlock does not ask it to.
		io.Copy(server, server)
		server.CloseWrite()
	}()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	client.keyUpdateAfter = 4096 // records of 16 KiB: 64 MiB per key
	const total = 1 << 30
	done := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, client)
		done <- n
	}()
	chunk := make([]byte, 16<<10)
	secrets := map[string]bool{}
	for sent := 0; sent < total; sent += len(chunk) {
		if _, err := client.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if sent%(64<<20) == 0 {
			client.out.Lock()
			secrets[string(client.tls13.outSecret)] = true
			client.out.Unlock()
		}
	}
	client.CloseWrite()
	if n := <-done; n != total {
		t.Fatalf("echoed %d bytes of %d", n, total)
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d write keys used for 1 GiB", len(secrets))
	}
}

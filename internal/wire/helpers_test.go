package wire

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"padlock/internal/alert"
)

// loadHex reads a message stored as hex under testdata.
func loadHex(t testing.TB, name string) []byte {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// mustHex decodes a hex constant of a test.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantAlert fails the test unless err carries the alert d.
func wantAlert(t testing.TB, err error, d alert.Description) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want alert %v", err, d)
	}
	if ae.Description != d {
		t.Fatalf("got alert %v (%v), want %v", ae.Description, err, d)
	}
}

// normalize clears the fields that only Unmarshal sets (Raw and the
// Extensions lists), so that a parsed message compares equal to the one
// it was marshaled from.
func normalize(m Message) Message {
	switch m := m.(type) {
	case *ClientHello:
		m.Raw, m.Extensions = nil, nil
	case *ServerHello:
		m.Raw, m.Extensions = nil, nil
	case *EncryptedExtensions:
		m.Raw, m.Extensions = nil, nil
	case *CertificateRequest13:
		m.Extensions = nil
	case *NewSessionTicket13:
		m.Extensions = nil
	case *Certificate13:
		for i := range m.Entries {
			m.Entries[i].Extensions = nil
		}
	}
	return m
}

// extTypes lists the types of exts in order.
func extTypes(exts []Extension) []uint16 {
	var types []uint16
	for _, e := range exts {
		types = append(types, e.Type)
	}
	return types
}

package record

import (
	"bytes"
	"testing"
)

// Traffic keys of RFC 8448 section 3 (Simple 1-RTT Handshake), AES-128-GCM.
const (
	// "{server} derive write traffic keys for handshake data"
	serverHSKey = "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"
	serverHSIV  = "5d 31 3e b2 67 12 76 ee 13 00 0b 30"
	// "{server} derive read traffic keys for handshake data"
	clientHSKey = "db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01"
	clientHSIV  = "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f"
	// "{server} derive write traffic keys for application data"
	serverAPKey = "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56"
	serverAPIV  = "cf 78 2b 88 dd 83 54 9a ad f1 e9 84"
	// "{client} derive write traffic keys for application data"
	clientAPKey = "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"
	clientAPIV  = "5b 78 92 3d ee 08 57 90 33 e5 23 d9"
)

func rfc8448Cipher(t *testing.T, key, iv string) *Cipher {
	return NewCipher13(newGCM(t, unhex(t, key)), unhex(t, iv))
}

// wantWrite writes each (type, payload file) under one cipher and compares
// the stream with the concatenated record files.
func wantWrite(t *testing.T, c *Cipher, records []string, types []ContentType, payloads [][]byte) {
	t.Helper()
	var wire bytes.Buffer
	w := NewWriter(&wire)
	w.SetVersion(Version13)
	w.SetCipher(c)
	var want []byte
	for i, name := range records {
		if _, err := w.WriteRecord(types[i], payloads[i]); err != nil {
			t.Fatal(err)
		}
		want = append(want, readHex(t, name)...)
	}
	if !bytes.Equal(wire.Bytes(), want) {
		t.Fatalf("protected records differ from RFC 8448:\n got %x\nwant %x", wire.Bytes(), want)
	}
}

// wantRead reads the concatenated record files under one cipher.
func wantRead(t *testing.T, c *Cipher, records []string, types []ContentType, payloads [][]byte) {
	t.Helper()
	var wire []byte
	for _, name := range records {
		wire = append(wire, readHex(t, name)...)
	}
	r := NewReader(bytes.NewReader(wire))
	r.SetVersion(Version13)
	r.SetCipher(c)
	for i := range records {
		ct, p, err := r.ReadRecord()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if ct != types[i] || !bytes.Equal(p, payloads[i]) {
			t.Fatalf("record %d = %v %x, want %v %x", i, ct, p, types[i], payloads[i])
		}
		// bytes.Reader hands over the whole stream in one read: the
		// records behind this one are buffered already.
		if i == 0 && r.Buffered() != len(wire)-len(readHex(t, records[0])) {
			t.Fatalf("Buffered() = %d after the first record", r.Buffered())
		}
	}
	if r.Buffered() != 0 {
		t.Fatalf("%d bytes left", r.Buffered())
	}
}

func TestRFC8448ServerFlight(t *testing.T) {
	// EncryptedExtensions, Certificate, CertificateVerify and Finished in
	// one record, the first under the server handshake key.
	records := []string{"server_flight_record.hex"}
	types := []ContentType{Handshake}
	payloads := [][]byte{readHex(t, "server_flight_payload.hex")}
	wantWrite(t, rfc8448Cipher(t, serverHSKey, serverHSIV), records, types, payloads)
	wantRead(t, rfc8448Cipher(t, serverHSKey, serverHSIV), records, types, payloads)
}

func TestRFC8448ClientFinished(t *testing.T) {
	records := []string{"client_finished_record.hex"}
	types := []ContentType{Handshake}
	payloads := [][]byte{readHex(t, "client_finished_payload.hex")}
	wantRead(t, rfc8448Cipher(t, clientHSKey, clientHSIV), records, types, payloads)
	wantWrite(t, rfc8448Cipher(t, clientHSKey, clientHSIV), records, types, payloads)
}

func TestRFC8448ApplicationTraffic(t *testing.T) {
	appData := readHex(t, "client_appdata_payload.hex")
	closeNotify := []byte{1, 0}

	// The server's NewSessionTicket (seq 0), application data (seq 1) and
	// close_notify (seq 2), read from one buffer fill.
	records := []string{"server_nst_record.hex", "server_appdata_record.hex", "server_alert_record.hex"}
	types := []ContentType{Handshake, ApplicationData, Alert}
	payloads := [][]byte{readHex(t, "server_nst_payload.hex"), appData, closeNotify}
	wantRead(t, rfc8448Cipher(t, serverAPKey, serverAPIV), records, types, payloads)
	wantWrite(t, rfc8448Cipher(t, serverAPKey, serverAPIV), records, types, payloads)

	// The client's application data (seq 0) and close_notify (seq 1).
	records = []string{"client_appdata_record.hex", "client_alert_record.hex"}
	types = []ContentType{ApplicationData, Alert}
	payloads = [][]byte{appData, closeNotify}
	wantWrite(t, rfc8448Cipher(t, clientAPKey, clientAPIV), records, types, payloads)
	wantRead(t, rfc8448Cipher(t, clientAPKey, clientAPIV), records, types, payloads)
}

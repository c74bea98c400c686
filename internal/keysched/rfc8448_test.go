package keysched

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"testing"
)

// transcript returns Transcript-Hash of the concatenated messages under
// SHA-256, the hash of every RFC 8448 trace.
func transcript(msgs ...[]byte) []byte {
	h := sha256.New()
	for _, m := range msgs {
		h.Write(m)
	}
	return h.Sum(nil)
}

// oneRTT holds the handshake messages of RFC 8448 section 3.
type oneRTT struct {
	ch, sh, ee, cert, cv, sfin, cfin, nst []byte
}

func readOneRTT(t *testing.T) oneRTT {
	dir := "rfc8448-1rtt"
	return oneRTT{
		ch:   readHex(t, dir, "client_hello.hex"),
		sh:   readHex(t, dir, "server_hello.hex"),
		ee:   readHex(t, dir, "encrypted_extensions.hex"),
		cert: readHex(t, dir, "certificate.hex"),
		cv:   readHex(t, dir, "certificate_verify.hex"),
		sfin: readHex(t, dir, "server_finished.hex"),
		cfin: readHex(t, dir, "client_finished.hex"),
		nst:  readHex(t, dir, "new_session_ticket.hex"),
	}
}

// TestRFC8448OneRTT walks the key schedule of RFC 8448 section 3 (Simple
// 1-RTT Handshake) and checks every secret, key, IV and Finished value the
// trace shows.
func TestRFC8448OneRTT(t *testing.T) {
	const h = crypto.SHA256
	m := readOneRTT(t)

	s := NewSchedule13(h, nil)
	early := bytes.Clone(s.secret)
	expect(t, "early secret", early, `secret (32 octets):  33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c
         e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a`)
	expect(t, "derived (handshake)", DeriveSecret(h, early, "derived", transcript()),
		`expanded (32 octets):  6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba
         b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba`)

	s.SetSharedSecret(rfcHex(t, `IKM (32 octets):  8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d
         35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d`))
	hs := bytes.Clone(s.secret)
	expect(t, "handshake secret", hs, `secret (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b
         01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac`)

	thHello := transcript(m.ch, m.sh)
	expect(t, "hash ClientHello..ServerHello", thHello,
		`hash (32 octets):  86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed
         d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8`)
	cHS := s.ClientHandshakeTrafficSecret(thHello)
	sHS := s.ServerHandshakeTrafficSecret(thHello)
	expect(t, "c hs traffic", cHS, `expanded (32 octets):  b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e
         2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21`)
	expect(t, "s hs traffic", sHS, `expanded (32 octets):  b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d
         37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38`)

	key, iv := TrafficKeys(h, sHS, 16, 12)
	expect(t, "server handshake key", key, `key expanded (16 octets):  3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e
         e4 03 bc`)
	expect(t, "server handshake iv", iv, `iv expanded (12 octets):  5d 31 3e b2 67 12 76 ee 13 00 0b 30`)
	key, iv = TrafficKeys(h, cHS, 16, 12)
	expect(t, "client handshake key", key, `key expanded (16 octets):  db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50
         25 8d 01`)
	expect(t, "client handshake iv", iv, `iv expanded (12 octets):  5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f`)

	expect(t, "derived (master)", DeriveSecret(h, hs, "derived", transcript()),
		`expanded (32 octets):  43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25
         90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4`)
	s.DeriveMaster()
	expect(t, "master secret", s.secret, `secret (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a
         47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19`)

	// The server Finished covers ClientHello..CertificateVerify.
	expect(t, "server finished_key", FinishedKey(h, sHS),
		`expanded (32 octets):  00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85
         c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8`)
	sVerify := FinishedVerifyData(h, sHS, transcript(m.ch, m.sh, m.ee, m.cert, m.cv))
	expect(t, "server verify_data", sVerify, `finished (32 octets):  9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4
         de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18`)
	if !Equal(sVerify, m.sfin[4:]) {
		t.Errorf("server verify_data %x is not the body of the server Finished %x", sVerify, m.sfin)
	}

	thServerFin := transcript(m.ch, m.sh, m.ee, m.cert, m.cv, m.sfin)
	expect(t, "hash ClientHello..server Finished", thServerFin,
		`hash (32 octets):  96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a
         00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13`)
	cAP := s.ClientApplicationTrafficSecret(thServerFin)
	sAP := s.ServerApplicationTrafficSecret(thServerFin)
	expect(t, "c ap traffic", cAP, `expanded (32 octets):  9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce
         65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5`)
	expect(t, "s ap traffic", sAP, `expanded (32 octets):  a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9
         50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43`)
	expect(t, "exp master", s.ExporterMasterSecret(thServerFin),
		`expanded (32 octets):  fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67
         92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50`)

	key, iv = TrafficKeys(h, sAP, 16, 12)
	expect(t, "server application key", key, `key expanded (16 octets):  9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac
         92 e3 56`)
	expect(t, "server application iv", iv, `iv expanded (12 octets):  cf 78 2b 88 dd 83 54 9a ad f1 e9 84`)
	key, iv = TrafficKeys(h, cAP, 16, 12)
	expect(t, "client application key", key, `key expanded (16 octets):  17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6
         3f 50 51`)
	expect(t, "client application iv", iv, `iv expanded (12 octets):  5b 78 92 3d ee 08 57 90 33 e5 23 d9`)

	// The client Finished covers ClientHello..server Finished.
	expect(t, "client finished_key", FinishedKey(h, cHS),
		`expanded (32 octets):  b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d
         6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 d9 c4`)
	cVerify := FinishedVerifyData(h, cHS, thServerFin)
	expect(t, "client verify_data", cVerify, `finished (32 octets):  a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1
         1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61`)
	if !Equal(cVerify, m.cfin[4:]) {
		t.Errorf("client verify_data %x is not the body of the client Finished %x", cVerify, m.cfin)
	}

	thClientFin := transcript(m.ch, m.sh, m.ee, m.cert, m.cv, m.sfin, m.cfin)
	expect(t, "hash ClientHello..client Finished", thClientFin,
		`hash (32 octets):  20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26
         84 65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d`)
	resMaster := s.ResumptionMasterSecret(thClientFin)
	expect(t, "res master", resMaster, `expanded (32 octets):  7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41
         b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c`)

	// NewSessionTicket: type(1) length(3) lifetime(4) age_add(4)
	// nonce<0..255> ...; the trace's nonce is 00 00.
	nonce := m.nst[13 : 13+int(m.nst[12])]
	expect(t, "ticket_nonce", nonce, `hash (2 octets):  00 00`)
	expect(t, "resumption PSK", ResumptionPSK(h, resMaster, nonce),
		`expanded (32 octets):  4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c
         a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3`)
}

// resumed holds the handshake messages of RFC 8448 section 4.
type resumed struct {
	chPrefix, ch, sh, ee, sfin, eoed, cfin []byte
}

func readResumed(t *testing.T) resumed {
	dir := "rfc8448-resume"
	return resumed{
		chPrefix: readHex(t, dir, "client_hello_prefix.hex"),
		ch:       readHex(t, dir, "client_hello.hex"),
		sh:       readHex(t, dir, "server_hello.hex"),
		ee:       readHex(t, dir, "encrypted_extensions.hex"),
		sfin:     readHex(t, dir, "server_finished.hex"),
		eoed:     readHex(t, dir, "end_of_early_data.hex"),
		cfin:     readHex(t, dir, "client_finished.hex"),
	}
}

// TestRFC8448Resumed walks the key schedule of RFC 8448 section 4
// (Resumed 0-RTT Handshake): PSK binder, early traffic, then a PSK+ECDHE
// handshake with EndOfEarlyData in the transcript.
func TestRFC8448Resumed(t *testing.T) {
	const h = crypto.SHA256
	m := readResumed(t)

	psk := rfcHex(t, `expanded (32 octets):  4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c
         a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3`)
	s := NewSchedule13(h, psk)
	early := bytes.Clone(s.secret)
	expect(t, "early secret", early, `secret (32 octets):  9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20
         bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c`)

	binderKey := s.BinderKey(false)
	expect(t, "binder_key", binderKey, `PRK (32 octets):  69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b
         9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56`)
	binderHash := transcript(m.chPrefix)
	expect(t, "binder hash", binderHash, `binder hash (32 octets):  63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d
         00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14`)
	expect(t, "binder finished_key", FinishedKey(h, binderKey), `expanded (32 octets):  55 88 67 3e 72 cb 59 c8 7d 22 0c af fe 94
         f2 de a9 a3 b1 60 9f 7d 50 e9 0a 48 22 7d b9 ed 7e aa`)
	binder := FinishedVerifyData(h, binderKey, binderHash)
	expect(t, "binder", binder, `finished (32 octets):  3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e
         f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d`)
	// The full ClientHello is the prefix, then the binders list: a
	// uint16 length (33), one binder of length 32.
	full := append(append(bytes.Clone(m.chPrefix), 0x00, 0x21, 0x20), binder...)
	if !bytes.Equal(full, m.ch) {
		t.Errorf("prefix + binders is not the ClientHello sent")
	}

	thCH := transcript(m.ch)
	expect(t, "hash ClientHello", thCH, `hash (32 octets):  08 ad 0f a0 5d 7c 72 33 b1 77 5b a2 ff 9f 4c 5b
         8b 59 27 6b 7f 22 7f 13 a9 76 24 5f 5d 96 09 13`)
	cE := s.ClientEarlyTrafficSecret(thCH)
	expect(t, "c e traffic", cE, `expanded (32 octets):  3f bb e6 a6 0d eb 66 c3 0a 32 79 5a ba 0e
         ff 7e aa 10 10 55 86 e7 be 5c 09 67 8d 63 b6 ca ab 62`)
	expect(t, "e exp master", s.EarlyExporterMasterSecret(thCH),
		`expanded (32 octets):  b2 02 68 66 61 09 37 d7 42 3e 5b e9 08 62
         cc f2 4c 0e 60 91 18 6d 34 f8 12 08 9f f5 be 2e f7 df`)
	key, iv := TrafficKeys(h, cE, 16, 12)
	expect(t, "early key", key, `key expanded (16 octets):  92 02 05 a5 b7 bf 21 15 e6 fc 5c 29 42
         83 4f 54`)
	expect(t, "early iv", iv, `iv expanded (12 octets):  6d 47 5f 09 93 c8 e5 64 61 0d b2 b9`)

	expect(t, "derived (handshake)", DeriveSecret(h, early, "derived", transcript()),
		`expanded (32 octets):  5f 17 90 bb d8 2c 5e 7d 37 6e d2 e1 e5 2f
         8e 60 38 c9 34 6d b6 1b 43 be 9a 52 f7 7e f3 99 8e 80`)
	s.SetSharedSecret(rfcHex(t, `IKM (32 octets):  f4 41 94 75 6f f9 ec 9d 25 18 06 35 d6 6e a6 82
         4c 6a b3 bf 17 99 77 be 37 f7 23 57 0e 7c cb 2e`))
	hs := bytes.Clone(s.secret)
	expect(t, "handshake secret", hs, `secret (32 octets):  00 5c b1 12 fd 8e b4 cc c6 23 bb 88 a0 7c 64
         b3 ed e1 60 53 63 fc 7d 0d f8 c7 ce 4f f0 fb 4a e6`)

	thHello := transcript(m.ch, m.sh)
	expect(t, "hash ClientHello..ServerHello", thHello, `hash (32 octets):  f7 36 cb 34 fe 25 e7 01 55 1b ee 6f d2 4c 1c c7
         10 2a 7d af 94 05 cb 15 d9 7a af e1 6f 75 7d 03`)
	cHS := s.ClientHandshakeTrafficSecret(thHello)
	sHS := s.ServerHandshakeTrafficSecret(thHello)
	expect(t, "c hs traffic", cHS, `expanded (32 octets):  2f aa c0 8f 85 1d 35 fe a3 60 4f cb 4d e8
         2d c6 2c 9b 16 4a 70 97 4d 04 62 e2 7f 1a b2 78 70 0f`)
	expect(t, "s hs traffic", sHS, `expanded (32 octets):  fe 92 7a e2 71 31 2e 8b f0 27 5b 58 1c 54
         ee f0 20 45 0d c4 ec ff aa 05 a1 a3 5d 27 51 8e 78 03`)
	key, iv = TrafficKeys(h, sHS, 16, 12)
	expect(t, "server handshake key", key, `key expanded (16 octets):  27 c6 bd c0 a3 dc ea 39 a4 73 26 d7 9b
         c9 e4 ee`)
	expect(t, "server handshake iv", iv, `iv expanded (12 octets):  95 69 ec dd 4d 05 36 70 5e 9e f7 25`)
	key, iv = TrafficKeys(h, cHS, 16, 12)
	expect(t, "client handshake key", key, `key expanded (16 octets):  b1 53 08 06 f4 ad fe ac 83 f1 41 30 32
         bb fa 82`)
	expect(t, "client handshake iv", iv, `iv expanded (12 octets):  eb 50 c1 6b e7 65 4a bf 99 dd 06 d9`)

	expect(t, "derived (master)", DeriveSecret(h, hs, "derived", transcript()),
		`expanded (32 octets):  e2 f1 60 30 25 1d f0 87 4b a1 9b 9a ba 25
         76 10 bc 6d 53 1c 1d d2 06 df 0c a6 e8 4a e2 a2 67 42`)
	s.DeriveMaster()
	expect(t, "master secret", s.secret, `secret (32 octets):  e2 d3 2d 4e d6 6d d3 78 97 a0 e8 0c 84 10 75
         03 ce 58 bf 8a ad 4c b5 5a 50 02 d7 7e cb 89 0e ce`)

	expect(t, "server finished_key", FinishedKey(h, sHS), `expanded (32 octets):  4b b7 4c ae 7a 5d c8 91 46 04 c0 bf be 2f
         0c 06 23 96 88 39 22 be c8 a1 5e 2a 9b 53 2a 5d 39 2c`)
	sVerify := FinishedVerifyData(h, sHS, transcript(m.ch, m.sh, m.ee))
	expect(t, "server verify_data", sVerify, `finished (32 octets):  48 d3 e0 e1 b3 d9 07 c6 ac ff 14 5e 16 09
         03 88 c7 7b 05 c0 50 b6 34 ab 1a 88 bb d0 dd 1a 34 b2`)
	if !Equal(sVerify, m.sfin[4:]) {
		t.Errorf("server verify_data %x is not the body of the server Finished %x", sVerify, m.sfin)
	}

	thServerFin := transcript(m.ch, m.sh, m.ee, m.sfin)
	expect(t, "hash ClientHello..server Finished", thServerFin, `hash (32 octets):  b0 ae ff c4 6a 2c fe 33 11 4e 6f d7 d5 1f 9f 04
         b1 ca 3c 49 7d ab 08 93 4a 77 4a 9d 9a d7 db f3`)
	cAP := s.ClientApplicationTrafficSecret(thServerFin)
	sAP := s.ServerApplicationTrafficSecret(thServerFin)
	expect(t, "c ap traffic", cAP, `expanded (32 octets):  2a bb f2 b8 e3 81 d2 3d be be 1d d2 a7 d1
         6a 8b f4 84 cb 49 50 d2 3f b7 fb 7f a8 54 70 62 d9 a1`)
	expect(t, "s ap traffic", sAP, `expanded (32 octets):  cc 21 f1 bf 8f eb 7d d5 fa 50 5b d9 c4 b4
         68 a9 98 4d 55 4a 99 3d c4 9e 6d 28 55 98 fb 67 26 91`)
	expect(t, "exp master", s.ExporterMasterSecret(thServerFin), `expanded (32 octets):  3f d9 3d 4f fd dc 98 e6 4b 14 dd 10 7a ed
         f8 ee 4a dd 23 f4 51 0f 58 a4 59 2d 0b 20 1b ee 56 b4`)
	key, iv = TrafficKeys(h, sAP, 16, 12)
	expect(t, "server application key", key, `key expanded (16 octets):  e8 57 c6 90 a3 4c 5a 91 29 d8 33 61 96
         84 f9 5e`)
	expect(t, "server application iv", iv, `iv expanded (12 octets):  06 85 d6 b5 61 aa b9 ef 10 13 fa f9`)
	key, iv = TrafficKeys(h, cAP, 16, 12)
	expect(t, "client application key", key, `key expanded (16 octets):  3c f1 22 f3 01 c6 35 8c a7 98 95 53 25
         0e fd 72`)
	expect(t, "client application iv", iv, `iv expanded (12 octets):  ab 1a ec 26 aa 78 b8 fc 11 76 b9 ac`)

	// EndOfEarlyData is in the client Finished's transcript (RFC 8446
	// section 4.4.1) although it was sent under the early keys.
	expect(t, "client finished_key", FinishedKey(h, cHS), `expanded (32 octets):  5a ce 39 4c 26 98 0d 58 12 43 f6 27 d1 15
         0a e2 7e 37 fa 52 36 4e 0a 7f 20 ac 68 6d 09 cd 0e 8e`)
	cVerify := FinishedVerifyData(h, cHS, transcript(m.ch, m.sh, m.ee, m.sfin, m.eoed))
	expect(t, "client verify_data", cVerify, `finished (32 octets):  72 30 a9 c9 52 c2 5c d6 13 8f c5 e6 62 83
         08 c4 1c 53 35 dd 81 b9 f9 6b ce a5 0f d3 2b da 41 6d`)
	if !Equal(cVerify, m.cfin[4:]) {
		t.Errorf("client verify_data %x is not the body of the client Finished %x", cVerify, m.cfin)
	}

	thClientFin := transcript(m.ch, m.sh, m.ee, m.sfin, m.eoed, m.cfin)
	expect(t, "hash ClientHello..client Finished", thClientFin, `hash (32 octets):  c3 c1 22 e0 bd 90 7a 4a 3f f6 11 2d 8f d5 3d bf
         89 c7 73 d9 55 2e 8b 6b 9d 56 d3 61 b3 a9 7b f6`)
	expect(t, "res master", s.ResumptionMasterSecret(thClientFin), `expanded (32 octets):  5e 95 bd f1 f8 90 05 ea 2e 9a a0 ba 85 e7
         28 e3 c1 9c 5f e0 c6 99 e3 f5 be e5 9f ae bd 0b 54 06`)
}

// Package capture explains the TLS connections of a packet capture: it
// reads a pcap or pcapng file (as tcpdump, dumpcap and Wireshark write
// it), puts each TCP stream back together, finds the TLS records in it
// and explains every handshake with padlock's own parsers, as the same
// trace events that padlock emits for its own connections, so that
// package trace renders them as text, JSON, a sequence diagram or
// annotated bytes.
//
// With an NSS key log (SSLKEYLOGFILE, as curl, Chromium, Firefox,
// openssl -keylogfile and padlock write it) the encrypted part of a TLS
// 1.3 handshake, 0-RTT early data and the application data of TLS 1.3
// and TLS 1.2 (AES-GCM and ChaCha20-Poly1305 suites) are decrypted and
// shown; without one,
// the explanation says what an observer on the path sees and what stays
// hidden.
//
// A capture is hostile input: a damaged or truncated file, lost,
// repeated or reordered packets and a capture that starts in the middle
// of a connection each give a note that says so, never a panic, and
// memory stays proportional to the file.
package capture

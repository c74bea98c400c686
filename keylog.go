package padlock

import (
	"encoding/hex"
	"sync"
)

// NSS key log labels (the format Wireshark and curl's SSLKEYLOGFILE use).
const (
	keyLogClientEarly     = "CLIENT_EARLY_TRAFFIC_SECRET"
	keyLogClientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	keyLogServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	keyLogClientTraffic   = "CLIENT_TRAFFIC_SECRET_0"
	keyLogServerTraffic   = "SERVER_TRAFFIC_SECRET_0"
	keyLogExporter        = "EXPORTER_SECRET"
	keyLogTLS12           = "CLIENT_RANDOM"
)

// keyLogMu serializes lines from connections sharing one writer.
var keyLogMu sync.Mutex

// logKey writes one key log line, and only when the user asked for a key
// log: this is the one place a secret leaves padlock.
func (c *Conn) logKey(label string, secret []byte) {
	w := c.config.KeyLogWriter
	if w == nil {
		return
	}
	line := make([]byte, 0, len(label)+2+2*32+2*len(secret)+1)
	line = append(line, label...)
	line = append(line, ' ')
	line = hex.AppendEncode(line, c.random[0][:])
	line = append(line, ' ')
	line = hex.AppendEncode(line, secret)
	line = append(line, '\n')
	keyLogMu.Lock()
	w.Write(line)
	keyLogMu.Unlock()
}

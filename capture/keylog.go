package capture

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// NSS key log labels (the format of SSLKEYLOGFILE).
const (
	labelClientRandom       = "CLIENT_RANDOM" // TLS 1.2: the master secret
	labelClientEarly        = "CLIENT_EARLY_TRAFFIC_SECRET"
	labelClientHandshake    = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	labelServerHandshake    = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	labelClientApplication  = "CLIENT_TRAFFIC_SECRET_0"
	labelServerApplication  = "SERVER_TRAFFIC_SECRET_0"
	maxKeyLogLine           = 4096
	maxKeyLogSecretHexBytes = 2 * 64
)

// KeyLog holds the secrets of an NSS key log, by client random.
type KeyLog struct {
	secrets map[string]map[string][]byte // client random (hex) -> label -> secret
	// Skipped counts lines that are neither comments nor key log entries.
	Skipped int
}

// ParseKeyLog reads an NSS key log: lines "LABEL CLIENT_RANDOM SECRET",
// both values in hex, and comments starting with '#'. Lines it cannot
// read are counted in Skipped, not errors: key logs are appended to by
// many programs.
func ParseKeyLog(r io.Reader) (*KeyLog, error) {
	kl := &KeyLog{secrets: make(map[string]map[string][]byte)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxKeyLogLine)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if !kl.addLine(line) {
			kl.Skipped++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("capture: key log: %w", err)
	}
	return kl, nil
}

// addLine adds one entry and reports whether the line was one.
func (kl *KeyLog) addLine(line string) bool {
	f := strings.Fields(line)
	if len(f) != 3 || len(f[1]) != 64 || len(f[2]) > maxKeyLogSecretHexBytes {
		return false
	}
	random, err1 := hex.DecodeString(f[1])
	secret, err2 := hex.DecodeString(f[2])
	if err1 != nil || err2 != nil || len(secret) == 0 {
		return false
	}
	k := hex.EncodeToString(random)
	if kl.secrets[k] == nil {
		kl.secrets[k] = make(map[string][]byte)
	}
	kl.secrets[k][f[0]] = secret
	return true
}

// Len returns the number of connections (client randoms) the log has
// secrets for.
func (kl *KeyLog) Len() int {
	if kl == nil {
		return 0
	}
	return len(kl.secrets)
}

// secret returns the secret logged under label for the connection with
// the client random cr, or nil.
func (kl *KeyLog) secret(cr []byte, label string) []byte {
	if kl == nil {
		return nil
	}
	return kl.secrets[hex.EncodeToString(cr)][label]
}

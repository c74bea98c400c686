package scan

import (
	"context"
	"encoding/json"
	"testing"

	"padlock/internal/pki"
)

func TestSmoke(t *testing.T) {
	ca, is := pki.TestChain(pki.RSA2048)
	f := writeChain(t, ca, is)
	addr := startSServer(t, f)
	r := testScanner(ca).Scan(context.Background(), addr)
	b, _ := json.MarshalIndent(r, "", "  ")
	t.Logf("%s", b)
}

package scan

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"padlock/internal/alert"
	"padlock/internal/wire"
)

// bestLegacy returns the highest version below TLS 1.3 the server
// accepts, or 0.
func (t *targetScan) bestLegacy() uint16 {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, v := range []uint16{versionTLS12, versionTLS11, versionTLS10, versionSSL30} {
		if t.supported[v] {
			return v
		}
	}
	return 0
}

// probeFeatures reads what the version probes' ServerHellos say and runs
// the probes of compression, fallback and intolerance.
func (t *targetScan) probeFeatures(ctx context.Context) {
	f := &t.r.Features
	legacy := t.bestLegacy()
	t.mu.Lock()
	if a := t.first[legacy]; legacy != 0 && a.hello != nil {
		sh := a.hello
		f.ExtendedMasterSecret = sh.ExtendedMasterSecret
		f.SecureRenegotiation = sh.SecureRenegotiationSupported
		f.RecordSizeLimit = sh.RecordSizeLimit
		t.evidence["no_ems"], t.evidence["no_secure_renegotiation"] = a, a
		if t.supported[versionTLS13] && legacy == versionTLS12 {
			f.DowngradeSentinel = bytes.Equal(sh.Random[24:], append([]byte("DOWNGRD"), 1))
		}
	}
	hrr := t.first[versionTLS13]
	t.mu.Unlock()
	if hrr != nil && hrr.hello != nil && hrr.hello.IsHelloRetryRequest() {
		t.r.HelloRetryRequest = true
	}
	var wg sync.WaitGroup
	if legacy != 0 {
		wg.Go(func() { t.probeCompression(ctx, legacy) })
		wg.Go(func() { t.probeVersionTolerance(ctx) })
	}
	wg.Go(func() { t.probeFallback(ctx) })
	wg.Go(func() { t.probeGrease(ctx) })
	wg.Wait()
	t.mu.Lock()
	if legacy != 0 && !t.supported[versionTLS12] {
		f.Untested = append(f.Untested, "client_renegotiation") // the probe client speaks TLS 1.2 only
	}
	if legacy == 0 {
		f.Untested = append(f.Untested, "extended_master_secret", "secure_renegotiation", "compression", "version_tolerant")
	}
	t.mu.Unlock()
}

// probeCompression offers DEFLATE (RFC 3749) before null.
func (t *targetScan) probeCompression(ctx context.Context, v uint16) {
	a := t.probe(ctx, "compression", &hello{version: v, suites: legacySuites, compression: []uint8{1, 0}}, untilServerHello)
	if a.accepted() && a.hello.CompressionMethod != 0 {
		t.mu.Lock()
		t.r.Features.Compression = true
		t.evidence["compression"] = a
		t.mu.Unlock()
	}
}

// probeFallback offers TLS_FALLBACK_SCSV with the second-best version: a
// server that knows its best must refuse with inappropriate_fallback
// (RFC 7507 section 3).
func (t *targetScan) probeFallback(ctx context.Context) {
	t.mu.Lock()
	var vs []uint16
	for _, v := range []uint16{versionTLS13, versionTLS12, versionTLS11, versionTLS10} {
		if t.supported[v] {
			vs = append(vs, v)
		}
	}
	t.mu.Unlock()
	if len(vs) < 2 {
		t.untested("fallback_scsv")
		return
	}
	suites := append(slices.Clone(legacySuites), 0x5600)
	a := t.probe(ctx, "TLS_FALLBACK_SCSV", &hello{version: vs[1], suites: suites}, untilServerHello)
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case a.alert != nil && *a.alert == alert.InappropriateFallback:
		t.r.Features.FallbackSCSV = true
	case a.accepted():
		t.evidence["no_fallback_scsv"] = a
	default:
		t.r.Features.Untested = append(t.r.Features.Untested, "fallback_scsv")
	}
}

// probeVersionTolerance sends legacy_version 0x0304 without
// supported_versions: a TLS 1.2 server must answer with the best version
// it has (RFC 8446 appendix D.1), not fail.
func (t *targetScan) probeVersionTolerance(ctx context.Context) {
	a := t.probe(ctx, "version tolerance", &hello{version: versionTLS12, legacyVers: 0x0304, suites: legacySuites}, untilServerHello)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.r.Features.VersionTolerant = a.accepted()
	if !a.accepted() {
		t.evidence["version_intolerance"] = a
	}
}

// probeGrease sends a hello with GREASE values (RFC 8701 section 3) in
// the suites, groups, versions and extensions, which a server must
// ignore.
func (t *targetScan) probeGrease(ctx context.Context) {
	h := &hello{version: versionTLS12, suites: append([]uint16{0x0A0A}, legacySuites...),
		groups: append([]uint16{0x1A1A}, defaultGroups...), keyShare: true,
		extra: []wire.Extension{{Type: 0x2A2A}, {Type: 0x3A3A, Data: []byte{0}}}}
	t.mu.Lock()
	if t.supported[versionTLS13] {
		h.version = versionTLS13
		h.suites = append([]uint16{0x0A0A}, tls13Suites...)
		h.supportedVersions = []uint16{0x4A4A, versionTLS13}
	}
	t.mu.Unlock()
	a := t.probe(ctx, "GREASE tolerance", h, untilServerHello)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.r.Features.GreaseTolerant = a.hello != nil
	if a.hello == nil && t.evidence["version_intolerance"] == nil {
		t.evidence["version_intolerance"] = a
	}
}

// untested records that no probe could decide the features named.
func (t *targetScan) untested(names ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.r.Features.Untested = append(t.r.Features.Untested, names...)
}

package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The runner describes each test to the shim with command-line flags
// (BoringSSL's ssl/test/test_config.cc lists them all). A flag may carry
// a prefix that limits it to one connection: -on-initial- to the first,
// -on-resume- to the resumptions, -on-retry- to a 0-RTT retry (which
// padlock never makes); -on-shim- marks flags for the shim as against a
// split-handshake helper, and padlock is always the shim.

// errUnimplemented marks a test that asks for something padlock does not
// do; the shim exits with code 89 and the runner counts the test as
// unimplemented rather than failed.
var errUnimplemented = errors.New("unimplemented")

// unimplementedf returns an error wrapping errUnimplemented.
func unimplementedf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUnimplemented}, args...)...)
}

// testConfig is what the flags ask of one connection.
type testConfig struct {
	port    int
	shimID  uint64
	ipv6    bool
	server  bool
	resumes int

	certFile, keyFile string
	ocspResponse      []byte
	signingPrefs      []int
	verifyPrefs       []int
	curves            []int
	cipher            string
	serverPreference  bool

	minVersion, maxVersion            int
	noTLS13, noTLS12, noTLS11, noTLS1 bool

	hostName         string
	advertiseALPN    string // wire format: length-prefixed protocols
	selectALPN       string
	declineALPN      bool
	verifyPeer       bool
	requireAnyClient bool
	noTicket         bool
	enableOCSP       bool
	maxCertList      int

	expectVersion        int
	expectServerName     string
	expectALPN           string
	expectSessionMiss    bool
	expectEMS            bool
	expectCurveID        int
	expectCipher         int
	expectPeerSigAlg     int
	expectPeerCertFile   string
	expectOCSPResponse   []byte
	expectNoSession      bool
	expectTicketRenewal  bool
	expectHRR            bool
	expectNoHRR          bool
	expectNoOCSP         bool
	expectNoServerName   bool
	expectSecureReneg    bool
	expectNoOfferEarly   bool
	resumptionDelay      int
	exportKeyingMaterial int
	exportLabel          string
	exportContext        string
	useExportContext     bool

	declineOCSP  bool
	policy       string // a compliance policy: "fips-202205" or "wpa-202304"
	verifyFail   bool
	customVerify bool

	shimWritesFirst   bool
	shimShutsDown     bool
	checkCloseNotify  bool
	implicitHandshake bool
	handshakeTwice    bool
	noOpExtraHS       bool
	keyUpdate         bool
	keyUpdateBefore   bool
	sendAlert         bool
	readSize          int
	differentSizes    bool

	enableEarlyData       bool
	expectTicketEarlyData bool
	expectAcceptEarly     bool
	expectRejectEarly     bool
	expectEarlyReason     string

	installCompression    bool
	installOneCompression int

	echConfigList    []byte
	echServerConfigs [][]byte
	echServerKeys    [][]byte
	echIsRetry       []int
	enableECHGrease  bool
	expectECHAccept  bool
	expectECHRetry   []byte
	expectNoECHRetry bool

	expectECHNameOverride   string
	expectNoECHNameOverride bool
}

// flagKind is how a flag takes its value.
type flagKind int

const (
	boolFlag   flagKind = iota // no value
	intFlag                    // a decimal integer
	stringFlag                 // a string
	base64Flag                 // base64 bytes
)

// flagSpec is one flag: its kind and where it goes. set is nil for a
// flag padlock cannot honour: a test that gives it is unimplemented.
type flagSpec struct {
	kind flagKind
	set  func(c *testConfig, v value)
}

// value is a parsed flag value.
type value struct {
	b bool
	i int
	s string
	d []byte
}

func onBool(f func(*testConfig) *bool) func(*testConfig, value) {
	return func(c *testConfig, _ value) { *f(c) = true }
}
func onInt(f func(*testConfig) *int) func(*testConfig, value) {
	return func(c *testConfig, v value) { *f(c) = v.i }
}
func onInts(f func(*testConfig) *[]int) func(*testConfig, value) {
	return func(c *testConfig, v value) { *f(c) = append(*f(c), v.i) }
}
func onString(f func(*testConfig) *string) func(*testConfig, value) {
	return func(c *testConfig, v value) { *f(c) = v.s }
}
func onBytes(f func(*testConfig) *[]byte) func(*testConfig, value) {
	return func(c *testConfig, v value) { *f(c) = v.d }
}
func onBytesList(f func(*testConfig) *[][]byte) func(*testConfig, value) {
	return func(c *testConfig, v value) { *f(c) = append(*f(c), v.d) }
}

// ignored accepts a flag that changes nothing padlock can observe: an
// I/O pattern of BoringSSL's own (-async), or a check padlock always
// makes (-reverify-on-resume).
func ignored(*testConfig, value) {}

// flags are the flags the shim knows. A flag missing from the table is
// unimplemented too.
var flags = map[string]flagSpec{
	"-port":          {intFlag, onInt(func(c *testConfig) *int { return &c.port })},
	"-shim-id":       {intFlag, func(c *testConfig, v value) { c.shimID = uint64(v.i) }},
	"-ipv6":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.ipv6 })},
	"-server":        {boolFlag, onBool(func(c *testConfig) *bool { return &c.server })},
	"-resume-count":  {intFlag, onInt(func(c *testConfig) *int { return &c.resumes })},
	"-cert-file":     {stringFlag, onString(func(c *testConfig) *string { return &c.certFile })},
	"-key-file":      {stringFlag, onString(func(c *testConfig) *string { return &c.keyFile })},
	"-trust-cert":    {stringFlag, ignored}, // BoringSSL's shim accepts any chain too
	"-ocsp-response": {base64Flag, onBytes(func(c *testConfig) *[]byte { return &c.ocspResponse })},
	"-signing-prefs": {intFlag, onInts(func(c *testConfig) *[]int { return &c.signingPrefs })},
	"-verify-prefs":  {intFlag, onInts(func(c *testConfig) *[]int { return &c.verifyPrefs })},
	"-curves":        {intFlag, onInts(func(c *testConfig) *[]int { return &c.curves })},
	"-cipher":        {stringFlag, onString(func(c *testConfig) *string { return &c.cipher })},

	"-server-preference": {boolFlag, onBool(func(c *testConfig) *bool { return &c.serverPreference })},
	"-min-version":       {intFlag, onInt(func(c *testConfig) *int { return &c.minVersion })},
	"-max-version":       {intFlag, onInt(func(c *testConfig) *int { return &c.maxVersion })},
	"-no-tls13":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.noTLS13 })},
	"-no-tls12":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.noTLS12 })},
	"-no-tls11":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.noTLS11 })},
	"-no-tls1":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.noTLS1 })},

	"-host-name":                      {stringFlag, onString(func(c *testConfig) *string { return &c.hostName })},
	"-advertise-alpn":                 {stringFlag, onString(func(c *testConfig) *string { return &c.advertiseALPN })},
	"-select-alpn":                    {stringFlag, onString(func(c *testConfig) *string { return &c.selectALPN })},
	"-decline-alpn":                   {boolFlag, onBool(func(c *testConfig) *bool { return &c.declineALPN })},
	"-verify-peer":                    {boolFlag, onBool(func(c *testConfig) *bool { return &c.verifyPeer })},
	"-require-any-client-certificate": {boolFlag, onBool(func(c *testConfig) *bool { return &c.requireAnyClient })},
	"-no-ticket":                      {boolFlag, onBool(func(c *testConfig) *bool { return &c.noTicket })},
	"-ticket-key":                     {base64Flag, nil}, // the runner opens the shim's tickets as BoringSSL seals them
	"-enable-ocsp-stapling":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.enableOCSP })},
	"-max-cert-list":                  {intFlag, onInt(func(c *testConfig) *int { return &c.maxCertList })},

	"-expect-version":                  {intFlag, onInt(func(c *testConfig) *int { return &c.expectVersion })},
	"-expect-server-name":              {stringFlag, onString(func(c *testConfig) *string { return &c.expectServerName })},
	"-expect-no-server-name":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoServerName })},
	"-expect-alpn":                     {stringFlag, onString(func(c *testConfig) *string { return &c.expectALPN })},
	"-expect-session-miss":             {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectSessionMiss })},
	"-expect-extended-master-secret":   {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectEMS })},
	"-expect-curve-id":                 {intFlag, onInt(func(c *testConfig) *int { return &c.expectCurveID })},
	"-expect-cipher":                   {intFlag, onInt(func(c *testConfig) *int { return &c.expectCipher })},
	"-expect-peer-signature-algorithm": {intFlag, onInt(func(c *testConfig) *int { return &c.expectPeerSigAlg })},
	"-expect-peer-cert-file":           {stringFlag, onString(func(c *testConfig) *string { return &c.expectPeerCertFile })},
	"-expect-ocsp-response":            {base64Flag, onBytes(func(c *testConfig) *[]byte { return &c.expectOCSPResponse })},
	"-expect-no-ocsp-response":         {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoOCSP })},
	"-expect-no-session":               {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoSession })},
	"-expect-ticket-renewal":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectTicketRenewal })},
	"-expect-hrr":                      {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectHRR })},
	"-expect-no-hrr":                   {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoHRR })},
	"-expect-secure-renegotiation":     {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectSecureReneg })},
	"-expect-no-offer-early-data":      {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoOfferEarly })},
	"-resumption-delay":                {intFlag, onInt(func(c *testConfig) *int { return &c.resumptionDelay })},
	"-export-keying-material":          {intFlag, onInt(func(c *testConfig) *int { return &c.exportKeyingMaterial })},
	"-export-label":                    {stringFlag, onString(func(c *testConfig) *string { return &c.exportLabel })},
	"-export-context":                  {stringFlag, onString(func(c *testConfig) *string { return &c.exportContext })},
	"-use-export-context":              {boolFlag, onBool(func(c *testConfig) *bool { return &c.useExportContext })},

	"-shim-writes-first":            {boolFlag, onBool(func(c *testConfig) *bool { return &c.shimWritesFirst })},
	"-shim-shuts-down":              {boolFlag, onBool(func(c *testConfig) *bool { return &c.shimShutsDown })},
	"-check-close-notify":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.checkCloseNotify })},
	"-implicit-handshake":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.implicitHandshake })},
	"-handshake-twice":              {boolFlag, onBool(func(c *testConfig) *bool { return &c.handshakeTwice })},
	"-no-op-extra-handshake":        {boolFlag, onBool(func(c *testConfig) *bool { return &c.noOpExtraHS })},
	"-key-update":                   {boolFlag, onBool(func(c *testConfig) *bool { return &c.keyUpdate })},
	"-key-update-before-read":       {boolFlag, onBool(func(c *testConfig) *bool { return &c.keyUpdateBefore })},
	"-send-alert":                   {boolFlag, onBool(func(c *testConfig) *bool { return &c.sendAlert })},
	"-read-size":                    {intFlag, onInt(func(c *testConfig) *int { return &c.readSize })},
	"-write-different-record-sizes": {boolFlag, onBool(func(c *testConfig) *bool { return &c.differentSizes })},

	"-verify-fail":                {boolFlag, onBool(func(c *testConfig) *bool { return &c.verifyFail })},
	"-use-custom-verify-callback": {boolFlag, onBool(func(c *testConfig) *bool { return &c.customVerify })},
	// The handshake succeeding is the verification succeeding.
	"-expect-verify-result": {boolFlag, ignored},

	// A callback that sets the staple is a static staple to padlock.
	"-use-ocsp-callback":     {boolFlag, ignored},
	"-set-ocsp-in-callback":  {boolFlag, ignored},
	"-decline-ocsp-callback": {boolFlag, onBool(func(c *testConfig) *bool { return &c.declineOCSP })},

	"-enable-early-data":                 {boolFlag, onBool(func(c *testConfig) *bool { return &c.enableEarlyData })},
	"-expect-ticket-supports-early-data": {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectTicketEarlyData })},
	"-expect-accept-early-data":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectAcceptEarly })},
	"-expect-reject-early-data":          {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectRejectEarly })},
	"-expect-early-data-reason":          {stringFlag, onString(func(c *testConfig) *string { return &c.expectEarlyReason })},

	"-install-cert-compression-algs":    {boolFlag, onBool(func(c *testConfig) *bool { return &c.installCompression })},
	"-install-one-cert-compression-alg": {intFlag, onInt(func(c *testConfig) *int { return &c.installOneCompression })},

	"-ech-config-list":             {base64Flag, onBytes(func(c *testConfig) *[]byte { return &c.echConfigList })},
	"-ech-server-config":           {base64Flag, onBytesList(func(c *testConfig) *[][]byte { return &c.echServerConfigs })},
	"-ech-server-key":              {base64Flag, onBytesList(func(c *testConfig) *[][]byte { return &c.echServerKeys })},
	"-ech-is-retry-config":         {intFlag, onInts(func(c *testConfig) *[]int { return &c.echIsRetry })},
	"-enable-ech-grease":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.enableECHGrease })},
	"-expect-ech-accept":           {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectECHAccept })},
	"-expect-ech-retry-configs":    {base64Flag, onBytes(func(c *testConfig) *[]byte { return &c.expectECHRetry })},
	"-expect-no-ech-retry-configs": {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoECHRetry })},

	"-expect-ech-name-override":    {stringFlag, onString(func(c *testConfig) *string { return &c.expectECHNameOverride })},
	"-expect-no-ech-name-override": {boolFlag, onBool(func(c *testConfig) *bool { return &c.expectNoECHNameOverride })},

	"-fips-202205": {boolFlag, func(c *testConfig, _ value) { c.policy = "fips-202205" }},
	"-wpa-202304":  {boolFlag, func(c *testConfig, _ value) { c.policy = "wpa-202304" }},

	"-async":                        {boolFlag, ignored},
	"-reverify-on-resume":           {boolFlag, ignored},
	"-use-old-client-cert-callback": {boolFlag, ignored},
	"-bogo-mode":                    {boolFlag, ignored},
}

// connConfigs are the configurations of the connections of one test:
// the first, the resumptions, and the rest of a resumption whose 0-RTT
// data the server rejected.
type connConfigs struct {
	initial, resume, retry testConfig
}

// parseFlags reads the runner's flags into the configuration of the
// first connection and of the resumptions. An unknown flag, or one
// padlock cannot honour, is errUnimplemented; a malformed value is an
// ordinary error.
func parseFlags(args []string) (*connConfigs, error) {
	cc := &connConfigs{}
	for i := 0; i < len(args); i++ {
		name := args[i]
		name, _ = strings.CutPrefix(name, "-on-shim")
		targets := []*testConfig{&cc.initial, &cc.resume, &cc.retry}
		switch {
		case strings.HasPrefix(name, "-on-initial-"):
			name, targets = name[len("-on-initial"):], targets[:1]
		case strings.HasPrefix(name, "-on-resume-"):
			name, targets = name[len("-on-resume"):], targets[1:2]
		case strings.HasPrefix(name, "-on-retry-"):
			name, targets = name[len("-on-retry"):], targets[2:]
		}
		spec, ok := flags[name]
		if !ok || spec.set == nil {
			return nil, unimplementedf("flag %s", name)
		}
		var v value
		if spec.kind != boolFlag {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %s needs a value", name)
			}
			i++
			raw := args[i]
			var err error
			switch spec.kind {
			case intFlag:
				v.i, err = strconv.Atoi(raw)
			case stringFlag:
				v.s = raw
			case base64Flag:
				v.d, err = base64.StdEncoding.DecodeString(raw)
			}
			if err != nil {
				return nil, fmt.Errorf("flag %s: %v", name, err)
			}
		}
		for _, t := range targets {
			spec.set(t, v)
		}
	}
	return cc, nil
}

module padlock

go 1.26.0

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/google/gopacket v1.1.19
	github.com/klauspost/compress v1.20.5
	golang.org/x/crypto v0.59.0
	golang.org/x/net v0.62.0
)

require golang.org/x/sys v0.50.0 // indirect

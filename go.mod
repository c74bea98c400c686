module padlock

go 1.26.0

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/google/gopacket v1.1.19
	github.com/klauspost/compress v1.20.5
	github.com/redis/go-redis/v9 v9.23.0
	golang.org/x/crypto v0.59.0
	golang.org/x/net v0.62.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

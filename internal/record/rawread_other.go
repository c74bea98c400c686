//go:build !unix

package record

import "io"

// rawRead is unix-only; elsewhere every Reader takes the plain path (see
// rawread_unix.go).
type rawRead struct{}

func (r *Reader) initRaw(io.Reader) {}

func (r *Reader) readRaw() (int, error) { panic("record: readRaw without a socket") }

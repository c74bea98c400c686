package record

import "sync"

// The buffers that no connection is using. A Reader takes one when it has
// a record to read and gives it back, on Release, once it holds no bytes
// of the stream; a Writer takes one to build records and gives it back
// once they are written. An idle connection then holds no buffer at all,
// where buffers of 16 KiB and more would otherwise be most of its memory.
// Taking and giving back are a few nanoseconds and never allocate once
// the pool holds a buffer, so a busy connection pays nothing for it.
// Pointers to arrays go in the pools, not slices, so that Put does not
// allocate either.
var (
	readBuffers  = sync.Pool{New: func() any { return new([readBufferSize]byte) }}
	writeBuffers = sync.Pool{New: func() any { return new([writeBufferSize]byte) }}
)

// Buffers are given back uncleared: the next owner reads only the bytes
// it writes itself.

func getReadBuffer() *[readBufferSize]byte    { return readBuffers.Get().(*[readBufferSize]byte) }
func putReadBuffer(b *[readBufferSize]byte)   { readBuffers.Put(b) }
func getWriteBuffer() *[writeBufferSize]byte  { return writeBuffers.Get().(*[writeBufferSize]byte) }
func putWriteBuffer(b *[writeBufferSize]byte) { writeBuffers.Put(b) }

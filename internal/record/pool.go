package record

import "sync"

// bufferSize fits the largest record a Reader or a Writer holds.
const bufferSize = max(readBufferSize, writeBufferSize)

// buffers holds the record buffers that no connection is using. A Reader
// takes one when it has a record to read and gives it back, on Release,
// once it holds no bytes of the stream; a Writer takes one to build
// records and gives it back once they are written. An idle connection
// then holds no buffer at all, where two buffers of 16 KiB and more
// would otherwise be most of its memory. Taking and giving back are a
// few nanoseconds and never allocate once the pool holds a buffer, so a
// busy connection pays nothing for it. Pointers to arrays go in the
// pool, not slices, so that Put does not allocate either.
var buffers = sync.Pool{New: func() any { return new([bufferSize]byte) }}

// getBuffer takes a buffer from the pool.
func getBuffer() *[bufferSize]byte { return buffers.Get().(*[bufferSize]byte) }

// putBuffer gives a buffer back. Its contents are not cleared: the next
// owner reads only the bytes it writes itself.
func putBuffer(b *[bufferSize]byte) { buffers.Put(b) }

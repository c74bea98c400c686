package record

// Observed is one record as a Reader read it or a Writer wrote it, for
// an Observer: what crossed the wire and what it carried. Its slices are
// copies, the Observer's to keep.
type Observed struct {
	Wire      []byte      // the record as on the wire: header and fragment
	Protected bool        // opened or sealed with a Cipher
	Version   uint16      // the Cipher's rules, Version13 or Version12; 0 when not protected
	Seq       uint64      // the Cipher's sequence number for this record
	Nonce     []byte      // the AEAD nonce it was sealed with
	Explicit  int         // bytes of TLS 1.2 nonce_explicit after the header
	TagLen    int         // bytes of authentication tag at the end
	Type      ContentType // the real content type (TLS 1.3: the inner one)
	Content   []byte      // the content, decrypted
	Padding   int         // TLS 1.3 zero padding after the inner content type
}

// Observer receives each record a Reader reads or a Writer writes, once
// it is opened or sealed; records that fail to open are not reported.
// It is for tracing tools: nil, the default, leaves the per-record path
// as it is, and a set Observer costs copies of each record.
type Observer func(*Observed)

// observe builds the Observed of one record: rec is the record on the
// wire, seq the Cipher's sequence number before it, t and content what
// it carried and pad its TLS 1.3 padding.
func observe(c *Cipher, rec []byte, seq uint64, t ContentType, content []byte, pad int) *Observed {
	o := &Observed{Wire: append([]byte(nil), rec...), Type: t, Content: append([]byte(nil), content...)}
	if c == nil {
		return o
	}
	o.Protected, o.Version, o.Seq, o.Padding = true, c.version, seq, pad
	o.Nonce = append([]byte(nil), c.nonce[:c.nonceLen]...)
	o.TagLen = c.overhead
	if c.version == Version12 {
		o.Explicit = c.explicit
	}
	return o
}

// SetObserver has o told of every record read from now on; nil stops it.
func (r *Reader) SetObserver(o Observer) { r.observer = o }

// SetObserver has o told of every record written from now on; nil
// stops it.
func (w *Writer) SetObserver(o Observer) { w.observer = o }

// kept is what a Reader with an Observer keeps of the record it is
// reading: the record as received, which opening overwrites, and the
// Cipher and sequence number that open it (nil and 0 for plaintext).
type kept struct {
	wire   []byte
	cipher *Cipher
	seq    uint64
}

// keep copies rec, of outer type t, before it is opened.
func (r *Reader) keep(rec []byte, t ContentType) {
	r.kept = kept{wire: append([]byte(nil), rec...)}
	if r.protected(t) {
		r.kept.cipher, r.kept.seq = r.cipher, r.cipher.seq
	}
}

// report tells the Observer of the record kept, opened to content of
// type t.
func (r *Reader) report(t ContentType, content []byte) {
	k := r.kept
	r.kept = kept{}
	pad := 0
	if c := k.cipher; c != nil && c.version == Version13 {
		pad = len(k.wire) - HeaderLen - c.overhead - len(content) - 1
	}
	r.observer(observe(k.cipher, k.wire, k.seq, t, content, pad))
}

// observeSealed reports a record the Writer just built in rec: of type
// t, carrying frag and pad bytes of TLS 1.3 padding.
func (w *Writer) observeSealed(rec []byte, t ContentType, frag []byte, pad int) {
	c := w.cipher
	var seq uint64
	if c != nil {
		seq = c.seq - 1 // sealing advanced it
	}
	w.observer(observe(c, rec, seq, t, frag, pad))
}

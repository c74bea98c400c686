package trace

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// jsonEvent is the JSON form of an Event: names instead of numbers, the
// time in milliseconds and the raw bytes in hex.
type jsonEvent struct {
	Conn      uint64      `json:"conn"`
	TimeMS    float64     `json:"time_ms"`
	Side      string      `json:"side"`
	Direction string      `json:"direction"`
	Step      string      `json:"step"`
	Kind      string      `json:"kind"`
	Name      string      `json:"name"`
	Explain   string      `json:"explain"`
	Fields    []jsonField `json:"fields"`
	Raw       string      `json:"raw"`
	Layout    []jsonField `json:"layout"`
}

// jsonField is a Field; start and end are left out of a field that
// covers no bytes (a local step's values, a message field the byte map
// does not place), where zeros would claim a range that does not exist.
type jsonField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Start *int   `json:"start,omitempty"`
	End   *int   `json:"end,omitempty"`
}

func toJSONField(f Field) jsonField {
	j := jsonField{Name: f.Name, Value: f.Value}
	if f.End != 0 {
		j.Start, j.End = &f.Start, &f.End
	}
	return j
}

func (j jsonField) field() Field {
	f := Field{Name: j.Name, Value: j.Value}
	if j.Start != nil && j.End != nil {
		f.Start, f.End = *j.Start, *j.End
	}
	return f
}

// MarshalJSON encodes e as an object with the keys conn, time_ms, side,
// direction, step, kind, name, explain, fields (each with name and
// value, and start and end when it has a byte range), raw (hex) and
// layout (fields, like fields). Every other key is always present.
func (e Event) MarshalJSON() ([]byte, error) {
	e.Complete()
	j := jsonEvent{
		Conn:      e.Conn,
		TimeMS:    float64(e.Time.Microseconds()) / 1000,
		Side:      e.Side.String(),
		Direction: e.Dir.String(),
		Step:      e.Step.String(),
		Kind:      e.Kind.String(),
		Name:      e.Name,
		Explain:   e.Explain,
		Fields:    make([]jsonField, len(e.Fields)),
		Raw:       hex.EncodeToString(e.Raw),
		Layout:    make([]jsonField, len(e.Layout)),
	}
	for i, f := range e.Fields {
		j.Fields[i] = toJSONField(f)
	}
	for i, f := range e.Layout {
		j.Layout[i] = toJSONField(f)
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encodes, so a program can read
// a trace back from JSON lines.
func (e *Event) UnmarshalJSON(data []byte) error {
	var j jsonEvent
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var n Event
	var ok bool
	if n.Side, ok = lookup(j.Side, Client, Server); !ok {
		return fmt.Errorf("trace: unknown side %q", j.Side)
	}
	if n.Dir, ok = lookup(j.Direction, Sent, Received, Local); !ok {
		return fmt.Errorf("trace: unknown direction %q", j.Direction)
	}
	if n.Step, ok = lookup(j.Step, allSteps()...); !ok {
		return fmt.Errorf("trace: unknown step %q", j.Step)
	}
	if n.Kind, ok = lookup(j.Kind, allKinds()...); !ok {
		return fmt.Errorf("trace: unknown kind %q", j.Kind)
	}
	raw, err := hex.DecodeString(j.Raw)
	if err != nil {
		return fmt.Errorf("trace: raw: %w", err)
	}
	if len(raw) > 0 {
		n.Raw = raw
	}
	n.Time = time.Duration(j.TimeMS * float64(time.Millisecond))
	n.Conn = j.Conn
	n.Name, n.Explain = j.Name, j.Explain
	for _, f := range j.Fields {
		n.Fields = append(n.Fields, f.field())
	}
	for _, f := range j.Layout {
		n.Layout = append(n.Layout, f.field())
	}
	*e = n
	return nil
}

// lookup returns the value among vs whose String is s.
func lookup[T fmt.Stringer](s string, vs ...T) (T, bool) {
	for _, v := range vs {
		if v.String() == s {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func allSteps() []Step {
	s := make([]Step, len(stepNames))
	for i := range s {
		s[i] = Step(i)
	}
	return s
}

func allKinds() []Kind {
	k := make([]Kind, len(kindNames))
	for i := range k {
		k[i] = Kind(i)
	}
	return k
}

// JSONWriter writes events as JSON lines: one object per event, as
// Event.MarshalJSON encodes it. Its Trace method is a Tracer and is safe
// for concurrent use.
type JSONWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewJSONWriter returns a JSONWriter that writes to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Trace writes e as one line of JSON.
func (j *JSONWriter) Trace(e Event) {
	b, err := e.MarshalJSON()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return
	}
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(append(b, '\n'))
}

// Err returns the first error encoding or writing an event; after one,
// nothing more is written.
func (j *JSONWriter) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

package main

import (
	"bufio"
	"fmt"
	"os"

	"padlock"
	"padlock/trace"
)

// createSVG creates the --svg file, before anything runs, so that a path
// that cannot be written fails at once; and starts recording the first
// connection's events. It returns nil without --svg.
func (d *demoRun) createSVG() (*os.File, error) {
	if d.o.svg == "" {
		return nil, nil
	}
	f, err := os.Create(d.o.svg)
	if err != nil {
		return nil, err
	}
	d.tracer.mu.Lock()
	d.tracer.rec = new(trace.Recorder)
	d.tracer.mu.Unlock()
	return f, nil
}

// stopRecording ends the recording that createSVG started and returns
// its events: both sides' steps of the first connection.
func (d *demoRun) stopRecording() []trace.Event {
	d.tracer.mu.Lock()
	defer d.tracer.mu.Unlock()
	if d.tracer.rec == nil {
		return nil
	}
	events := d.tracer.rec.Events()
	d.tracer.rec = nil
	return events
}

// writeSVG draws events into f and closes it. Nothing happens when f is
// nil.
func (d *demoRun) writeSVG(f *os.File, events []trace.Event, version uint16) error {
	if f == nil {
		return nil
	}
	w := bufio.NewWriter(f)
	opts := trace.DiagramOptions{Title: "padlock demo: a " + padlock.VersionName(version) + " handshake"}
	err := trace.SequenceDiagram(w, events, opts)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if d.o.json {
		// stdout holds only JSON lines.
		fmt.Fprintf(d.c.stderr, "padlock demo: the sequence diagram of the handshake is in %s\n", d.o.svg)
	} else {
		fmt.Fprintf(d.c.stdout, "%s\nThe sequence diagram of the handshake is in %s.\n", rule, d.o.svg)
	}
	return nil
}

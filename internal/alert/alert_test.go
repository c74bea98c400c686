package alert

import (
	"errors"
	"fmt"
	"testing"
)

func TestNames(t *testing.T) {
	for d, want := range map[Description]string{
		CloseNotify: "close_notify", DecodeError: "decode_error", NoRenegotiation: "no_renegotiation",
		CertificateRequired: "certificate_required", NoApplicationProtocol: "no_application_protocol", ECHRequired: "ech_required",
		Description(30): "decompression_failure", Description(7): "alert(7)",
	} {
		if got := d.String(); got != want {
			t.Errorf("%d: %q, want %q", d, got, want)
		}
	}
	if len(names) != 30 {
		t.Errorf("%d names, want the 30 of the enum", len(names))
	}
}

func TestWrapKeepsTheFirstAlert(t *testing.T) {
	inner := New(IllegalParameter, "bad share")
	err := Wrap(DecodeError, fmt.Errorf("context: %w", inner))
	var ae *Error
	if !errors.As(err, &ae) || ae.Description != IllegalParameter {
		t.Fatalf("got %v", err)
	}
}

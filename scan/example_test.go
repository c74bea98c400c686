package scan_test

import (
	"context"
	"fmt"
	"time"

	"padlock/scan"
)

// A scan of one server, printed as its grade and findings.
func Example() {
	s := scan.New(scan.Options{Timeout: 5 * time.Second, Concurrency: 8})
	r := s.Scan(context.Background(), "example.com:443")
	fmt.Println(r.Versions, r.Grade.Grade, r.Grade.Rule)
	for _, f := range r.Findings {
		fmt.Printf("%-8s %s: %s\n", f.Severity, f.ID, f.Title)
	}
}

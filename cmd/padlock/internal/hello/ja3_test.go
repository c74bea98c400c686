package hello

import "testing"

// TestJA3Published checks the two examples of the JA3 README
// (salesforce/ja3).
func TestJA3Published(t *testing.T) {
	for _, tc := range []struct {
		name      string
		vers      uint16
		ciphers   []uint16
		exts      []ext
		str, hash string
	}{
		{"with extensions", 769, []uint16{47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4},
			[]ext{sniExt("example.com"), groupsExt(23, 24, 25), pointsExt(0)},
			"769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0", "ada70206e40642a3e4461f35503241d5"},
		{"no extensions", 769, []uint16{4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99}, nil,
			"769,4-5-10-9-100-98-3-6-19-18-99,,,", "de350869b8c85de67a350c8d186f11e6"},
	} {
		s, h := JA3(buildHello(t, tc.vers, tc.ciphers, tc.exts))
		if s != tc.str || h != tc.hash {
			t.Errorf("%s:\n got %s %s\nwant %s %s", tc.name, s, h, tc.str, tc.hash)
		}
	}
}

// TestJA3GREASE checks that GREASE values, in every list, are left out
// and the rest keeps its wire order.
func TestJA3GREASE(t *testing.T) {
	s, _ := JA3(chromeLike(t))
	want := "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53," +
		"0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17613-65037-51764,4588-29-23-24,0"
	if s != want {
		t.Errorf("JA3 string\n got %s\nwant %s", s, want)
	}
}

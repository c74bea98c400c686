package suites

import "slices"

// KnownSuiteIDs returns the ID of every cipher suite SuiteName can name,
// implemented or not, in ascending order: the candidates a scanner
// offers to learn which suites a server accepts. Signalling values
// (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV) are left out,
// since no server selects them.
func KnownSuiteIDs() []uint16 {
	ids := make([]uint16, 0, len(suites)+len(suiteNames))
	for _, s := range suites {
		ids = append(ids, s.ID)
	}
	for id := range suiteNames {
		if id == 0x00FF || id == 0x5600 || SuiteByID(id) != nil {
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

package trace

// layoutItem is a field of Event.Layout placed in the tree its byte
// ranges form.
type layoutItem struct {
	Field
	depth int  // how many fields enclose it
	leaf  bool // it encloses no other field: its bytes are its own
}

// layoutTree places the fields of a Layout over n bytes of Raw in their
// tree: a field lies inside the field before it that encloses it
// ("nested fields after their container"). Fields with no byte range or
// outside Raw are dropped, and ranges are clipped to Raw, so a layout
// from anywhere can be drawn.
func layoutTree(layout []Field, n int) []layoutItem {
	items := make([]layoutItem, 0, len(layout))
	var open []Field // the chain of fields enclosing the next one
	for _, f := range layout {
		f.End = min(f.End, n)
		if f.Start < 0 || f.End <= f.Start {
			continue
		}
		for len(open) > 0 {
			if p := open[len(open)-1]; f.Start >= p.Start && f.End <= p.End {
				break
			}
			open = open[:len(open)-1]
		}
		items = append(items, layoutItem{Field: f, depth: len(open), leaf: true})
		if len(items) > 1 && items[len(items)-2].depth < len(open) {
			items[len(items)-2].leaf = false
		}
		open = append(open, f)
	}
	return items
}
